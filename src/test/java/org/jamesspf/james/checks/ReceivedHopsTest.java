package org.jamesspf.james.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.jamesspf.james.message.HeaderRoundTripTest;
import org.jamesspf.james.policy.NetworkList;
import org.jamesspf.james.policy.GatewayOrigin;
import org.jamesspf.james.policy.NetworkList;
import org.jamesspf.spf.IpAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Received fields (RFC 5321 4.4) as MTAs write them, and the hops behind a trusted gateway read
 * from the top down: only fields written by listed gateways are read, so what a client forges
 * below changes nothing.
 */
public class ReceivedHopsTest {
    private static final String GW = "198.51.100.2";
    private static final String GW2 = "198.51.100.3";
    private static final String CLIENT = "203.0.113.5";
    private static final ReceivedHops HOPS = new ReceivedHops(NetworkList.parse(List.of("198.51.100.0/28", "2001:db8:ff::/48")));

    /** The field James 3.8.1 writes (ReceivedDataLineFilter), for a session from {@code ip}. */
    static String james(String ip, String helo) {
        return "from " + helo + " (EHLO " + helo + ") ([" + ip + "])\r\n          by mx.example.org (JAMES SMTP Server ) with ESMTP ID"
            + " 5a1b2c3d\r\n          for <bob@example.org>;\r\n          Thu, 3 Dec 2026 09:18:58 +0000 (UTC)";
    }

    /** Postfix's field on the gateway, for a client {@code ip} that said {@code helo}. */
    static String postfix(String ip, String helo) {
        return "from " + helo + " (mail.sender.example [" + ip + "])\r\n\tby gw.example.net (Postfix) with ESMTPS id 4Bq7Zk0XyZz9sWx\r\n"
            + "\tfor <bob@example.org>; Thu,  3 Dec 2026 09:18:57 +0000 (UTC)";
    }

    /** CSV rows write CRLF (folding) as '~'. */
    private static String crlf(String csv) {
        return csv.replace("~", "\r\n");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("RFC 5321 4.4: the address and HELO as Postfix, Exim, Sendmail, James and others write them")
    @CsvSource(delimiter = '|', value = {
        "from smtp.sender.example (mail.sender.example [203.0.113.5])~\tby gw.example.net (Postfix) with ESMTPS id 4Bq; Thu, 3 Dec 2026|203.0.113.5|smtp.sender.example",
        "from smtp.sender.example (unknown [203.0.113.5]) by gw.example.net (Postfix) with SMTP id 4Bq|203.0.113.5|smtp.sender.example",
        "from mail.sender.example ([203.0.113.5] helo=smtp.sender.example)~\tby gw.example.net with esmtps (Exim 4.96)~\tid 1kXyZ-0001; Thu, 3 Dec 2026|203.0.113.5|smtp.sender.example",
        "from smtp.sender.example (mail.sender.example [203.0.113.5] (may be forged))~\tby gw.example.net (8.17.1/8.17.1) with ESMTP id 0B39; Thu, 3 Dec 2026|203.0.113.5|smtp.sender.example",
        "from gw.example.net (EHLO gw.example.net) ([198.51.100.2])~          by mx.example.org (JAMES SMTP Server ) with ESMTP ID 5a1b~          for <bob@example.org>;~          Thu, 3 Dec 2026|198.51.100.2|gw.example.net",
        "from smtp.sender.example (mail.sender.example [IPv6:2001:db8:1::25]) by gw.example.net (Postfix) with ESMTPS id 4Bq|2001:db8:1::25|smtp.sender.example",
        "from mail.sender.example ([2001:db8:1::25] helo=smtp.sender.example) by gw.example.net with esmtp (Exim 4.96)|2001:db8:1::25|smtp.sender.example",
        "from smtp.sender.example (mail.sender.example [IPv6:::ffff:203.0.113.5]) by gw.example.net (Postfix)|203.0.113.5|smtp.sender.example",
        "from [203.0.113.5] (unknown [203.0.113.5]) by gw.example.net (Postfix)|203.0.113.5|[203.0.113.5]",
        "from [203.0.113.5] by gw.example.net with SMTP|203.0.113.5|[203.0.113.5]",
        "from (x) (mail.sender.example [203.0.113.5])~\tby gw.example.net (Postfix)|203.0.113.5|''",
        "FROM smtp.sender.example~ (~  mail.sender.example~\t[203.0.113.5]~ )~ BY gw.example.net|203.0.113.5|smtp.sender.example",
        "from smtp.sender.example (comment \\(with [192.0.2.99\\) escaped) (rdns [203.0.113.5]) by gw.example.net|203.0.113.5|smtp.sender.example",
    })
    void formats(String csvField, String ip, String helo) {
        String field = crlf(csvField);
        Optional<ReceivedField> read = ReceivedField.parse(field);
        assertThat(read).as(field).isPresent();
        assertThat(read.get().ip).isEqualTo(IpAddress.parse(ip));
        assertThat(read.get().helo).isEqualTo(helo);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("a HELO that smuggles an address literal, a comment or a 'by' in does not become the address")
    @CsvSource(delimiter = '|', value = {
        // Postfix writes the HELO as given before its own comment
        "from [192.0.2.66] (unknown [203.0.113.5]) by gw.example.net (Postfix)",
        "from x(a[192.0.2.66])by (unknown [203.0.113.5]) by gw.example.net (Postfix)",
        "from x (rdns [192.0.2.66]) by y (unknown [203.0.113.5]) by gw.example.net (Postfix)",
        // James writes the HELO inside its first comment
        "from rdns.example (EHLO x) ([192.0.2.66]) by (z) ([203.0.113.5])~ by mx.example.org (JAMES SMTP Server ) with ESMTP ID 1",
        // Exim's helo= after the address
        "from rdns.example ([203.0.113.5] helo=[192.0.2.66]) by gw.example.net with esmtp (Exim 4.96)",
        // a HELO with ';' or a '(' that never closes does not make the field unreadable
        "from a;b (unknown [203.0.113.5])~\tby gw.example.net (Postfix) with ESMTPS id 4Bq~\tfor <bob@example.org>; Thu, 3 Dec 2026 (UTC)",
        "from a(b (unknown [203.0.113.5])~\tby gw.example.net (Postfix) with ESMTPS id 4Bq~\tfor <bob@example.org>; Thu, 3 Dec 2026 (UTC)",
        "from [x (unknown [203.0.113.5])~\tby gw.example.net (Postfix) with ESMTPS id 4Bq; Thu, 3 Dec 2026 (UTC)",
        "from ((([192.0.2.66] (unknown [203.0.113.5])~\tby gw.example.net (Postfix) with ESMTPS id 4Bq; Thu, 3 Dec 2026 (UTC)",
        // text the client chose after the host's folded 'by': Exim's envelope-from, the recipient
        "from rdns.example ([203.0.113.5] helo=x.example)~\tby gw.example.net with esmtp (Exim 4.96)~\t(envelope-from <\"a) ([192.0.2.66]) by (b\"@c.example>)~\tid 1kXyZ; Thu, 3 Dec 2026",
        "from x.example (unknown [203.0.113.5])~\tby gw.example.net (Postfix) id 4Bq~\tfor <\"a) by ([192.0.2.66]) (\"@example.org>; Thu, 3 Dec 2026",
    })
    void smuggledHelo(String csvField) {
        String field = crlf(csvField);
        assertThat(ReceivedField.parse(field).map(f -> f.ip)).as(field).contains(IpAddress.parse(CLIENT));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("a field that does not read as a Received 'from' with an address is none")
    @CsvSource(delimiter = '|', value = {
        "by gw.example.net (Postfix) id 4Bq; Thu, 3 Dec 2026",
        "from smtp.sender.example by gw.example.net (Postfix)",
        "from smtp.sender.example (mail.sender.example [203.0.113.999]) by gw.example.net",
        "from smtp.sender.example (mail.sender.example [203.0.113.5] by gw.example.net",
        "from",
        "''",
        "from smtp.sender.example (mail [IPv6:zz::1]) by gw",
    })
    void unreadable(String csvField) {
        String field = crlf(csvField);
        assertThat(ReceivedField.parse(field)).as(field).isEmpty();
        assertThat(ReceivedField.parse("from a (b [203.0.113.5]" + " ".repeat(ReceivedField.MAX_LENGTH) + ") by c")).isEmpty();
    }

    @Test
    @DisplayName("behind one gateway: the client it recorded; fields the client forged below it change nothing")
    void oneGateway() {
        List<String> received = List.of(james(GW, "gw.example.net"), postfix(CLIENT, "smtp.sender.example"),
            postfix("192.0.2.66", "forged.example"), postfix(GW2, "forged-gateway.example"));
        GatewayOrigin read = HOPS.client(received, IpAddress.parse(GW));
        assertThat(read.client()).isPresent();
        assertThat(read.client().get()).isEqualTo(IpAddress.parse(CLIENT));
        assertThat(read.helo()).isEqualTo("smtp.sender.example");
        assertThat(read.gateway()).isEqualTo(IpAddress.parse(GW));
    }

    @Test
    @DisplayName("several gateway hops (a filter, then a backup MX, IPv6 between them) are read through, as rspamd's external_relay")
    void severalGateways() {
        List<String> received = List.of(james(GW, "filter.example.net"), postfix("2001:db8:ff::25", "backup.example.net")
                .replace("[2001:db8:ff::25]", "[IPv6:2001:db8:ff::25]"), postfix(GW2, "edge.example.net"),
            postfix("2001:db8:1::25", "smtp.sender.example").replace("[2001:db8:1::25]", "[IPv6:2001:db8:1::25]"));
        GatewayOrigin read = HOPS.client(received, IpAddress.parse(GW));
        assertThat(read.client()).contains(IpAddress.parse("2001:db8:1::25"));
        assertThat(read.gateway()).isEqualTo(IpAddress.parse(GW2));
    }

    @ParameterizedTest(name = "{1}")
    @DisplayName("no client can be trusted: says why")
    @CsvSource(delimiter = '|', value = {
        "none|no Received field",
        "top-other|the topmost Received field is not the one this server wrote for 198.51.100.2",
        "private|gateway 198.51.100.2 recorded a private address, 10.1.2.3",
        "loopback-v6|gateway 198.51.100.2 recorded a private address, ::1",
        "only-gateways|no Received field below gateway 198.51.100.3",
        "garbled|the Received field added by gateway 198.51.100.2 cannot be read",
    })
    void unreadableHops(String shape, String why) {
        List<String> received = new ArrayList<>();
        switch (shape) {
            case "none":
                break;
            case "top-other":
                received.add(james("198.51.100.9", "other.example"));
                received.add(postfix(CLIENT, "smtp.sender.example"));
                break;
            case "private":
                received.add(james(GW, "gw.example.net"));
                received.add(postfix("10.1.2.3", "internal.example"));
                break;
            case "loopback-v6":
                received.add(james(GW, "gw.example.net"));
                received.add(postfix("IPv6:::1", "localhost"));
                break;
            case "only-gateways":
                received.add(james(GW, "gw.example.net"));
                received.add(postfix(GW2, "edge.example.net"));
                break;
            case "garbled":
                received.add(james(GW, "gw.example.net"));
                received.add("from somewhere by gw.example.net");
                received.add(postfix(CLIENT, "forged.example"));
                break;
            default:
                throw new AssertionError(shape);
        }
        GatewayOrigin read = HOPS.client(received, IpAddress.parse(GW));
        assertThat(read.client()).isEmpty();
        assertThat(read.why()).isEqualTo(why);
    }

    @Test
    @DisplayName("a chain of more gateway hops than read at most is not read")
    void tooManyHops() {
        List<String> received = new ArrayList<>();
        received.add(james(GW, "gw.example.net"));
        for (int i = 0; i <= ReceivedHops.MAX_HOPS; i++) {
            received.add(postfix(GW2, "edge.example.net"));
        }
        received.add(postfix(CLIENT, "smtp.sender.example"));
        assertThat(HOPS.client(received, IpAddress.parse(GW)).why()).isEqualTo("more than " + ReceivedHops.MAX_HOPS + " gateway hops");
    }

    @Test
    @DisplayName("2,000 random forgeries below the gateway's field: always the client the gateway recorded")
    void forgedBelow() {
        Random random = new Random(18L);
        for (int i = 0; i < 2000; i++) {
            List<String> received = new ArrayList<>(List.of(james(GW, "gw.example.net"), postfix(CLIENT, "smtp.sender.example")));
            int forged = 1 + random.nextInt(5);
            for (int j = 0; j < forged; j++) {
                received.add(random.nextBoolean() ? postfix(random.nextBoolean() ? GW2 : "192.0.2." + random.nextInt(256),
                    HeaderRoundTripTest.randomText(random)) : HeaderRoundTripTest.randomText(random));
            }
            GatewayOrigin read = HOPS.client(received, IpAddress.parse(GW));
            assertThat(read.client()).contains(IpAddress.parse(CLIENT));
        }
    }

    @Test
    @DisplayName("5,000 random one-word HELO names and senders ('(', ')', '[', ';', '\\', 'by') in the gateway's field: always the client it recorded")
    void hostileHelos() {
        Random random = new Random(19L);
        String alphabet = "()[];\\\"<>=@.:by";
        for (int i = 0; i < 5000; i++) {
            StringBuilder helo = new StringBuilder();
            for (int j = random.nextInt(40); j >= 0; j--) {
                helo.append(random.nextInt(3) == 0 ? (char) ('a' + random.nextInt(26)) : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String field = postfix(CLIENT, helo.toString());
            assertThat(ReceivedField.parse(field).map(f -> f.ip)).as(field).contains(IpAddress.parse(CLIENT));
            // Exim refuses a HELO that is not a host name (its helo= is one); the envelope-from is the client's text
            String exim = "from rdns.example ([" + CLIENT + "] helo=smtp.sender.example)\r\n\tby gw.example.net with esmtp (Exim 4.96)\r\n\t"
                + "(envelope-from <" + helo + "@x.example>)\r\n\tid 1kXyZ-0001\r\n\tfor bob@example.org; Thu, 3 Dec 2026";
            assertThat(ReceivedField.parse(exim).map(f -> f.ip)).as(exim).contains(IpAddress.parse(CLIENT));
        }
    }

    @Test
    @DisplayName("random text never throws: a field reads, or is none")
    void randomFields() {
        Random random = new Random(7L);
        for (int i = 0; i < 5000; i++) {
            String text = (random.nextBoolean() ? "from " : "") + HeaderRoundTripTest.randomText(random)
                + (random.nextBoolean() ? " ([" + IpAddress.ofV4(random.nextInt()) + "]) by x" : "");
            ReceivedField.parse(text).ifPresent(f -> assertThat(f.ip).isNotNull());
        }
    }
}
