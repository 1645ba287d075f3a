package org.jamesspf.james.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.jamesspf.james.policy.Exemption;
import org.jamesspf.james.text.HeaderSyntax;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.SpfResult;
import org.jamesspf.spf.dns.InMemoryZone;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders headers from hostile HELO names, senders, records and IPs, reads them back with the
 * strict {@link HeaderGrammar} readers, and requires exactly the results we meant: one spf
 * resinfo per outcome with its one property, the values we were given (made ASCII and bounded),
 * and Received-SPF with exactly its keys.
 */
public class HeaderRoundTripTest {
    public static final String RECEIVER = "mx.receiver.test";

    static Stream<String> hostileHelos() {
        return Stream.of(
            "mail.pass.demo;dkim=pass(x)header.d=paypal.com",
            "a.example;dkim=pass(x)",
            "a.example; spf=pass smtp.mailfrom=ceo@bank.example",
            "a.example (comment) x.y",
            "x\"y.example", "x\\y.example", "\"quoted\".example", ")).example", "((.example",
            "a=b.example", "a.example\r\nX-Injected: yes", "a.example\nX-Injected: yes", "a.example\u0000\u0007",
            "\u00e9xample.example", "_spf.example.com", "-lead.example", "trail-.example",
            "a".repeat(1000) + ".example", "mail.example.com", "[192.0.2.1]", "");
    }

    static Stream<String> hostileSenders() {
        return Stream.of(
            "\"odd local\"@example.com", "a\"b@example.com", "a\\b@example.com", "a;b=c@example.com", "a(b)c@example.com",
            "x".repeat(100) + "@example.com", "ok.local@example.com", "a..b@example.com", "\u00fcmlaut@example.com",
            "joe@a.example;dkim=pass(x)header.d=paypal.com", "joe@x\"y.example", "joe@example.com\r\nX-Injected: yes",
            "joe;dkim=pass@example.com", "@example.com", "nodomain", "", "joe@" + "b".repeat(300) + ".example");
    }

    @ParameterizedTest
    @DisplayName("RFC 8601 2.2, 7208 9.1: a hostile HELO name parses back as exactly its own value")
    @MethodSource("hostileHelos")
    void hostileHelo(String helo) {
        for (SpfResult result : SpfResult.values()) {
            roundTrip(CheckOutcome.of(CheckRequest.helo(IpAddress.parse("192.0.2.1"), helo), result, Reason.NO_RECORD, ""));
            // the null sender checked as postmaster@HELO (RFC 7208 2.4)
            roundTrip(CheckOutcome.of(CheckRequest.mailFrom(IpAddress.parse("2001:db8::1"), "", helo), result, Reason.NO_RECORD, ""));
        }
    }

    @ParameterizedTest
    @DisplayName("RFC 8601 2.7.2: a hostile MAIL FROM parses back as exactly its own value")
    @MethodSource("hostileSenders")
    void hostileSender(String sender) {
        for (SpfResult result : SpfResult.values()) {
            roundTrip(CheckOutcome.of(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), sender, "h.example"), result,
                Reason.NO_RECORD, "problem \"" + sender + "\" (x) ;"));
        }
    }

    @Test
    @DisplayName("hostile records: terms, problems and explanations with ';', '(', quotes and controls stay inside their slot")
    void hostileRecords() {
        String[] records = {
            "v=spf1 a:x;dkim=pass(x).example -all",
            "v=spf1 ip4:192.0.2.0/24 \"quoted\" -all",
            "v=spf1 include:a.example;b=c ~all",
            "v=spf1 -all exp=why.example",
            "v=spf1 ip4:192.0.2.1 ?all",
            "v=spf1 foo:bar(x) -all",
            "v=spf1 exists:%{l}.x.example -all"};
        for (String record : records) {
            InMemoryZone zone = InMemoryZone.builder().txt("example.com", record)
                .txt("why.example", "%{l} said \"(x)\\\r\n; dkim=pass").build();
            for (String sender : List.of("a\"b(c)@example.com", "joe;x=y@example.com", "joe@example.com")) {
                CheckOutcome outcome = SpfChecker.builder(zone).build()
                    .checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), sender, "h;x=(y).example"));
                roundTrip(outcome);
            }
        }
    }

    @Test
    @DisplayName("the dry-run comment after the last resinfo cannot add a result, whatever the reply text holds")
    void dryRunComment() {
        CheckOutcome outcome = CheckOutcome.of(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "a@example.com", "h.example"),
            SpfResult.FAIL, Reason.MATCHED, "");
        for (String reply : List.of("550 5.7.23 SPF fail: x", "550 x); dkim=pass (y", "550 \\) ; spf=pass smtp.helo=a.example (",
            "550 a\r\nX-Injected: yes")) {
            String header = HeaderRenderer.authenticationResults(RECEIVER, List.of(outcome), "dry-run: would have refused: " + reply, Optional.empty());
            assertThat(HeaderGrammar.authenticationResults(header).resinfos).as(header).containsExactly(intendedResinfo(outcome));
        }
    }

    @Test
    @DisplayName("RFC 8601 2.4: an exemption is one spf=policy resinfo naming it, whatever the sender, HELO and detail hold")
    void exemption() {
        Random random = new Random(20261203L);
        for (int i = 0; i < 1000; i++) {
            String sender = i % 3 == 0 ? "" : randomText(random) + "@" + randomText(random);
            CheckRequest subject = CheckRequest.mailFrom(IpAddress.ofV4(random.nextInt()), sender, randomText(random), RECEIVER);
            Exemption.Kind kind = Exemption.Kind.values()[random.nextInt(Exemption.Kind.values().length)];
            String header = HeaderRenderer.authenticationResultsExempt(RECEIVER, kind.token(), "HELO " + randomText(random),
                subject, i % 2 == 0 ? "" : "dry-run: would have refused: 550 " + randomText(random));
            HeaderGrammar.AuthResults parsed = HeaderGrammar.authenticationResults(header);
            CheckOutcome asOutcome = CheckOutcome.of(subject, SpfResult.NONE, Reason.NO_RECORD, "");
            java.util.Map<String, String> properties = new java.util.LinkedHashMap<>();
            properties.put("policy.exemption", kind.token());
            properties.putAll(intendedResinfo(asOutcome).properties);
            assertThat(parsed.resinfos).as(header).containsExactly(new HeaderGrammar.Resinfo("spf", "policy", null, properties));
        }
    }

    @Test
    @DisplayName("a gateway's message: the client it recorded is client-ip, the gateway an extension key and a comment")
    void viaGateway() {
        Random random = new Random(5L);
        for (int i = 0; i < 500; i++) {
            CheckOutcome o = CheckOutcome.of(CheckRequest.mailFrom(IpAddress.parse("203.0.113.5"), randomText(random) + "@example.com",
                randomText(random)), SpfResult.values()[i % SpfResult.values().length], Reason.MATCHED, randomText(random));
            java.util.Optional<IpAddress> gateway = Optional.of(IpAddress.parse(i % 2 == 0 ? "198.51.100.2" : "2001:db8::25"));
            HeaderGrammar.ReceivedSpf spf = HeaderGrammar.receivedSpf(HeaderRenderer.receivedSpf(o, RECEIVER, gateway));
            assertThat(spf.pairs).containsEntry("client-ip", "203.0.113.5").containsEntry("x-gateway", gateway.get().toString());
            String ar = HeaderRenderer.authenticationResults(RECEIVER, List.of(o), "", gateway);
            assertThat(HeaderGrammar.authenticationResults(ar).resinfos).as(ar).containsExactly(intendedResinfo(o));
            assertThat(ar).contains("(sender IP is 203.0.113.5, via gateway " + gateway.get() + ")");
        }
    }

    @Test
    @DisplayName("the configured authserv-id is a token or a quoted-string")
    void authservIds() {
        CheckOutcome outcome = CheckOutcome.of(CheckRequest.helo(IpAddress.parse("192.0.2.1"), "h.example"),
            SpfResult.PASS, Reason.MATCHED, "");
        for (String id : List.of("mx.example", "mx/1.example", "a b", "x\"y", "mx.example;dkim=pass")) {
            HeaderGrammar.AuthResults parsed = HeaderGrammar.authenticationResults(
                HeaderRenderer.authenticationResults(id, List.of(outcome), "", Optional.empty()));
            assertThat(parsed.authservId).isEqualTo(id);
            assertThat(parsed.resinfos).hasSize(1);
        }
        assertThat(HeaderGrammar.authenticationResults(HeaderRenderer.authenticationResults("mx.example", List.of(), "", Optional.empty())).resinfos)
            .isEmpty();
    }

    @Test
    @DisplayName("2,000 random HELO names, senders and IPs from a hostile alphabet all parse back exactly")
    void randomHostileInput() {
        Random random = new Random(20261201L);
        for (int i = 0; i < 2000; i++) {
            String helo = randomText(random);
            String sender = randomText(random) + (random.nextBoolean() ? "@" + randomText(random) : "");
            IpAddress ip = random.nextBoolean() ? IpAddress.ofV4(random.nextInt())
                : IpAddress.parse(Long.toHexString(random.nextLong() | 1L << 60).replaceAll("(.{4})", "$1:") + ":1");
            SpfResult result = SpfResult.values()[random.nextInt(SpfResult.values().length)];
            roundTrip(CheckOutcome.of(CheckRequest.helo(ip, helo), result, Reason.NO_RECORD, randomText(random)));
            roundTrip(CheckOutcome.of(CheckRequest.mailFrom(ip, sender, helo), result, Reason.NO_RECORD, randomText(random)));
        }
    }

    private static final String ALPHABET = "abcXYZ019.-_;()=\"\\@ <>,:[]/?\t\r\n\u0000\u007f\u00e9\u4e2d";

    public static String randomText(Random random) {
        int length = random.nextInt(8) == 0 ? 200 + random.nextInt(200) : random.nextInt(24);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(random.nextInt(3) == 0 ? (char) ('a' + random.nextInt(26)) : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** Renders both headers for {@code outcome}, parses them strictly and compares with what was meant. */
    public static void roundTrip(CheckOutcome outcome) {
        roundTrip(List.of(outcome));
    }

    public static void roundTrip(List<CheckOutcome> outcomes) {
        String ar = HeaderRenderer.authenticationResults(RECEIVER, outcomes, "", Optional.empty());
        HeaderGrammar.AuthResults parsed = HeaderGrammar.authenticationResults(ar);
        assertThat(parsed.authservId).isEqualTo(RECEIVER);
        List<HeaderGrammar.Resinfo> expected = new ArrayList<>();
        for (CheckOutcome o : outcomes) {
            expected.add(intendedResinfo(o));
        }
        assertThat(parsed.resinfos).as(ar).containsExactlyElementsOf(expected);
        for (CheckOutcome o : outcomes) {
            String header = HeaderRenderer.receivedSpf(o, RECEIVER, Optional.empty());
            HeaderGrammar.ReceivedSpf spf = HeaderGrammar.receivedSpf(header);
            assertThat(spf.result).isEqualTo(o.result().token());
            assertThat(spf.comment).startsWith(RECEIVER + ": ");
            List<String> keys = new ArrayList<>(List.of("client-ip"));
            if (o.request().identity() == org.jamesspf.spf.Identity.MAILFROM) {
                keys.add("envelope-from");
            }
            keys.addAll(List.of("helo", "receiver", "identity"));
            assertThat(spf.pairs.keySet()).as(header).startsWith(keys.toArray(new String[0]));
            assertThat(spf.pairs.keySet()).as(header).isSubsetOf("client-ip", "envelope-from", "helo", "receiver",
                "identity", "mechanism", "problem");
            assertThat(spf.pairs.get("client-ip")).isEqualTo(o.request().ip().toString());
            assertThat(spf.pairs.get("helo")).isEqualTo(clean(o.request().helo()));
            assertThat(spf.pairs.get("identity")).isEqualTo(o.request().identity().token());
            if (spf.pairs.containsKey("envelope-from")) {
                assertThat(spf.pairs.get("envelope-from")).isEqualTo(clean(o.request().sender()));
            }
            if (spf.pairs.containsKey("mechanism")) {
                assertThat(spf.pairs.get("mechanism")).isEqualTo(clean(o.term()));
            }
            if (spf.pairs.containsKey("problem")) {
                assertThat(spf.pairs.get("problem")).isEqualTo(clean(o.problem()));
            }
        }
    }

    /** What we mean to say for one outcome: spf=result and its identity's property, value made ASCII and bounded. */
    public static HeaderGrammar.Resinfo intendedResinfo(CheckOutcome o) {
        if (o.request().identity() == org.jamesspf.spf.Identity.HELO) {
            return HeaderGrammar.Resinfo.of("spf", o.result().token(), "smtp.helo", clean(o.domain()));
        }
        String local = o.request().localPart();
        String domain = o.domain();
        String value;
        if (!clean(domain).equals(domain) || !HeaderSyntax.isDomainName(domain)) {
            value = clean(local + "@" + domain);
        } else if (clean(local).equals(local) && HeaderSyntax.isDotAtom(local) && local.length() <= 64) {
            value = local + "@" + domain;
        } else {
            value = domain;
        }
        return HeaderGrammar.Resinfo.of("spf", o.result().token(), "smtp.mailfrom", value);
    }

    static String clean(String raw) {
        return org.jamesspf.james.text.Sanitizer.replyText(raw, 256);
    }
}
