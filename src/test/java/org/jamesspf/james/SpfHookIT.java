package org.jamesspf.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.mail.internet.MimeMessage;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.james.message.HeaderGrammar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hook inside a real James 3.8.1 with the default action mapping (enforced at RCPT),
 * DNS served over UDP/TCP by the test responder, SMTP over a socket with PROXY-protocol
 * client addresses.
 */
class SpfHookIT {
    @TempDir
    static Path dir;
    static TestDnsServer dns;
    static JamesTestServer james;

    @BeforeAll
    static void start() throws Exception {
        dns = TestDnsServer.start(SpfZone.zone());
        james = JamesTestServer.start(dir, "<handler class=\"org.jamesspf.james.SpfHook\">"
            + "<dns><servers><server>" + dns.address() + "</server></servers><queryTimeoutMs>1000</queryTimeoutMs></dns>"
            + "</handler>");
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    /** Sends one message and returns the reply to RCPT (and to DATA's end when accepted). */
    static String[] transaction(String clientIp, String helo, String sender, String rcpt, String message) throws Exception {
        return transaction(james, clientIp, helo, sender, rcpt, message);
    }

    /** EHLO, MAIL, one RCPT and (when accepted) DATA against {@code server}: the three replies. */
    static String[] transaction(JamesTestServer server, String clientIp, String helo, String sender, String rcpt, String message)
        throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(server.smtpPort(), clientIp)) {
            smtp.command("EHLO " + helo);
            String mail = smtp.command("MAIL FROM:<" + sender + ">");
            String rcptReply = smtp.command("RCPT TO:<" + rcpt + ">");
            String data = rcptReply.startsWith("250") ? smtp.data(message) : "";
            return new String[] {mail, rcptReply, data};
        }
    }

    /** A complete message, so that James adds no Date, Message-ID or MIME-Version above our headers. */
    static String message(String subject) {
        return "Date: Sun, 22 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + subject + "@sender.test>\r\nMIME-Version: 1.0\r\n"
            + "From: sender@sender.test\r\nTo: bob@receiver.test\r\nSubject: " + subject + "\r\n\r\nhello";
    }

    /**
     * The header lines as stored, less a leading MIME-Version: javax.mail's InternetHeaders keeps
     * MIME-Version in its preferred slot at the top when James saves the message. Every other
     * header, the client's and James's Received, comes after ours.
     */
    static List<String> headerLines(Mail mail) throws Exception {
        MimeMessage message = mail.getMessage();
        List<String> lines = new java.util.ArrayList<>(Collections.list(message.getAllHeaderLines()));
        if (lines.get(0).startsWith("MIME-Version:")) {
            lines.remove(0);
        }
        return lines;
    }

    static Optional<String> attribute(Mail mail, String name) {
        return mail.getAttribute(AttributeName.of(name)).map(a -> String.valueOf(a.getValue().value()));
    }

    @Test
    @DisplayName("pass: delivered with Authentication-Results and Received-SPF on top, and attributes")
    void passIsDeliveredWithHeaders() throws Exception {
        String[] replies = transaction("192.0.2.10", "helo.pass.test", "alice@pass.test", "bob@receiver.test",
            message("pass-1"));
        assertThat(replies[1]).startsWith("250");
        assertThat(replies[2]).startsWith("250");
        Mail mail = james.delivered("pass-1");
        List<String> lines = headerLines(mail);
        assertThat(lines.get(0)).isEqualTo("Authentication-Results: mx.receiver.test;\r\n"
            + "\tspf=pass (sender IP is 192.0.2.10) smtp.helo=helo.pass.test;\r\n"
            + "\tspf=pass (sender IP is 192.0.2.10) smtp.mailfrom=alice@pass.test");
        assertThat(lines.get(1)).isEqualTo("Received-SPF: pass (mx.receiver.test: domain of alice@pass.test designates"
            + " 192.0.2.10 as permitted sender)\r\n\tclient-ip=192.0.2.10; envelope-from=\"alice@pass.test\";"
            + " helo=helo.pass.test;\r\n\treceiver=mx.receiver.test; identity=mailfrom; mechanism=\"ip4:192.0.2.0/24\"");
        assertThat(lines.get(2)).startsWith("Received-SPF: pass (mx.receiver.test: HELO helo.pass.test designates");
        assertThat(lines.get(3)).startsWith("Received: from 192.0.2.10 (EHLO helo.pass.test)");
        assertThat(attribute(mail, "org.jamesspf.spf.mailfrom.result")).contains("pass");
        assertThat(attribute(mail, "org.jamesspf.spf.mailfrom.domain")).contains("pass.test");
        assertThat(attribute(mail, "org.jamesspf.spf.mailfrom.term")).contains("ip4:192.0.2.0/24");
        assertThat(attribute(mail, "org.jamesspf.spf.helo.result")).contains("pass");
    }

    @Test
    @DisplayName("2.4 / 5: an IPv6 client passes through ip6; an IPv4-mapped client is checked as IPv4")
    void ipv6Clients() throws Exception {
        assertThat(transaction("2001:db8::25", "helo.pass.test", "alice@pass.test", "bob@receiver.test",
            message("v6-1"))[2]).startsWith("250");
        assertThat(headerLines(james.delivered("v6-1")).get(1)).contains("client-ip=\"2001:db8::25\"");
        assertThat(transaction("::ffff:192.0.2.11", "helo.pass.test", "alice@pass.test", "bob@receiver.test",
            message("mapped-1"))[2]).startsWith("250");
        assertThat(headerLines(james.delivered("mapped-1")).get(1)).contains("client-ip=192.0.2.11;");
    }

    @Test
    @DisplayName("fail: 550 5.7.23 at RCPT with the domain's explanation")
    void failIsRejectedAtRcpt() throws Exception {
        String[] replies = transaction("192.0.2.10", "helo.pass.test", "mallory@fail.test", "bob@receiver.test", "");
        assertThat(replies[0]).startsWith("250");
        assertThat(replies[1]).isEqualTo("550 5.7.23 SPF fail: 192.0.2.10 is not one of fail.test's designated mail servers");
    }

    @Test
    @DisplayName("RFC 5321 4.5.1: postmaster and abuse still receive from a failing sender")
    void postmasterIsExempt() throws Exception {
        String[] replies = transaction("192.0.2.10", "helo.pass.test", "mallory@fail.test", "postmaster@receiver.test",
            message("exempt-1"));
        assertThat(replies[1]).startsWith("250");
        assertThat(replies[2]).startsWith("250");
        Mail mail = james.delivered("exempt-1");
        assertThat(headerLines(mail).get(1)).startsWith("Received-SPF: fail (mx.receiver.test: domain of mallory@fail.test does not designate");
        assertThat(attribute(mail, "org.jamesspf.spf.mailfrom.explanation"))
            .contains("192.0.2.10 is not one of fail.test's designated mail servers");
    }

    @Test
    @DisplayName("temperror: 451 4.7.24, the client retries")
    void temperrorIsDeferred() throws Exception {
        String[] replies = transaction("192.0.2.10", "helo.pass.test", "x@temperror.test", "bob@receiver.test", "");
        assertThat(replies[1]).isEqualTo("451 4.7.24 SPF temperror for temperror.test: temporary DNS failure, try again later");
    }

    @Test
    @DisplayName("permerror, softfail, neutral, none: accepted by default, the result in the header")
    void otherResultsAreAccepted() throws Exception {
        for (String result : List.of("permerror", "softfail", "neutral", "none")) {
            String subject = "other-" + result;
            String[] replies = transaction("192.0.2.10", "helo.pass.test", "x@" + result + ".test", "bob@receiver.test",
                message(subject));
            assertThat(replies[2]).as(result).startsWith("250");
            List<String> lines = headerLines(james.delivered(subject));
            assertThat(lines.get(1)).as(result).startsWith("Received-SPF: " + result + " ");
            assertThat(lines.get(0)).as(result).contains("spf=" + result + " (sender IP is 192.0.2.10)");
        }
        List<String> permerror = headerLines(james.delivered("other-permerror"));
        assertThat(permerror.get(1)).contains("problem=\"syntax error in the record of permerror.test at 'foo:bar'");
    }

    @Test
    @DisplayName("2.3: a HELO fail refuses even when MAIL FROM passes")
    void heloFailRefuses() throws Exception {
        String[] replies = transaction("192.0.2.10", "helo.fail.test", "alice@pass.test", "bob@receiver.test", "");
        assertThat(replies[1]).isEqualTo("550 5.7.23 SPF fail for HELO helo.fail.test: helo.fail.test does not designate"
            + " 192.0.2.10 as a permitted sender");
    }

    @Test
    @DisplayName("2.4: the null sender is checked as postmaster@HELO")
    void nullSender() throws Exception {
        String[] replies = transaction("192.0.2.10", "helo.pass.test", "", "bob@receiver.test", message("bounce-1"));
        assertThat(replies[2]).startsWith("250");
        assertThat(headerLines(james.delivered("bounce-1")).get(1))
            .contains("domain of postmaster@helo.pass.test designates").contains("envelope-from=\"postmaster@helo.pass.test\"");
        String[] refused = transaction("198.51.100.7", "helo.pass.test", "", "bob@receiver.test", "");
        assertThat(refused[1]).startsWith("550 5.7.23 SPF fail for HELO helo.pass.test");
    }

    @Test
    @DisplayName("RFC 8601 5: incoming Authentication-Results claiming our authserv-id are removed, others kept")
    void forgedAuthenticationResultsRemoved() throws Exception {
        transaction("192.0.2.10", "helo.pass.test", "alice@pass.test", "bob@receiver.test",
            "Authentication-Results: mx.receiver.test; spf=pass smtp.mailfrom=forged@bank.test\r\n"
                + "Authentication-Results: other.example; dkim=pass header.d=example.org\r\n"
                + message("forged-1"));
        List<String> lines = headerLines(james.delivered("forged-1"));
        List<String> authResults = lines.stream().filter(l -> l.startsWith("Authentication-Results:")).collect(Collectors.toList());
        assertThat(authResults).hasSize(2);
        assertThat(authResults.get(0)).startsWith("Authentication-Results: mx.receiver.test;\r\n\tspf=pass");
        assertThat(authResults.get(1)).isEqualTo("Authentication-Results: other.example; dkim=pass header.d=example.org");
        assertThat(String.join("\n", lines)).doesNotContain("forged@bank.test");
    }

    @Test
    @DisplayName("a MAIL FROM repeated after RSET, or on a new connection, reuses the outcome: no new DNS queries; a new HELO name is checked")
    void rsetReusesOutcome() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SpfHook.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log = new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        logger.addAppender(log);
        java.util.function.IntSupplier checks = () -> (int) log.list.stream()
            .filter(e -> e.getFormattedMessage().startsWith("SPF check ip=192.0.2.12 ")).count();
        try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.12")) {
            smtp.command("EHLO helo.pass.test");
            assertThat(smtp.command("MAIL FROM:<alice@pass.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("250");
            assertThat(checks.getAsInt()).as("HELO and MAIL FROM checked, one INFO line each").isEqualTo(2);
            assertThat(smtp.command("RSET")).startsWith("250");
            assertThat(smtp.command("MAIL FROM:<alice@pass.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("250");
            assertThat(checks.getAsInt()).as("same inputs after RSET: outcomes reused").isEqualTo(2);
            assertThat(smtp.command("RSET")).startsWith("250");
            assertThat(smtp.command("MAIL FROM:<mallory@fail.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("550 5.7.23");
            assertThat(checks.getAsInt()).as("a new sender is checked; the HELO outcome is reused").isEqualTo(3);
            // a new EHLO naming another host: that name and the MAIL FROM with it (%{h}) are checked afresh
            assertThat(smtp.command("EHLO other.pass.test")).startsWith("250");
            assertThat(smtp.command("MAIL FROM:<alice@pass.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("250");
            assertThat(checks.getAsInt()).isEqualTo(5);
        }
        try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.12")) {
            smtp.command("EHLO helo.pass.test");
            assertThat(smtp.command("MAIL FROM:<alice@pass.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("250");
            assertThat(checks.getAsInt()).as("a new connection with the same inputs: outcomes reused").isEqualTo(5);
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    @DisplayName("hostile input: a long macro-expanded explanation is cut; a HELO with ';' is quoted in headers")
    void hostileInputIsContained() throws Exception {
        String[] replies = transaction("192.0.2.10", "helo.pass.test", "evil.local@inject.test", "bob@receiver.test", "");
        assertThat(replies[1]).startsWith("550 5.7.23 SPF fail: evil.local says: xxx").endsWith("...");
        assertThat(replies[1].length()).isLessThan(512);
        String[] accepted = transaction("192.0.2.10", "bad;identity=pass", "alice@pass.test", "bob@receiver.test",
            message("hostile-1"));
        assertThat(accepted[2]).startsWith("250");
        assertThat(headerLines(james.delivered("hostile-1")).get(1)).contains("helo=\"bad;identity=pass\"");
    }

    static final String FORGING_HELO = "mail.pass.test;dkim=pass(x)header.d=paypal.com";

    /** Our Authentication-Results header of a delivered mail, read back by the strict RFC 8601 reader. */
    static HeaderGrammar.AuthResults ourAuthenticationResults(Mail mail) throws Exception {
        List<HeaderGrammar.AuthResults> ours = new java.util.ArrayList<>();
        for (String line : headerLines(mail)) {
            if (line.startsWith("Authentication-Results:")) {
                HeaderGrammar.AuthResults parsed = HeaderGrammar.authenticationResults(line);
                if (parsed.authservId.equalsIgnoreCase("mx.receiver.test")) {
                    ours.add(parsed);
                }
            }
        }
        assertThat(ours).as("exactly one Authentication-Results with our authserv-id").hasSize(1);
        return ours.get(0);
    }

    @Test
    @DisplayName("RFC 8601 2.3: a HELO carrying ';dkim=pass(x)...' reads back as our two spf results, nothing more")
    void forgingHeloCannotAddResults() throws Exception {
        String[] replies = transaction("192.0.2.10", FORGING_HELO, "alice@pass.test", "bob@receiver.test", message("forge-helo-1"));
        assertThat(replies[2]).startsWith("250");
        HeaderGrammar.AuthResults results = ourAuthenticationResults(james.delivered("forge-helo-1"));
        assertThat(results.resinfos).containsExactly(
            HeaderGrammar.Resinfo.of("spf", "none", "smtp.helo", FORGING_HELO),
            HeaderGrammar.Resinfo.of("spf", "pass", "smtp.mailfrom", "alice@pass.test"));
        for (String line : headerLines(james.delivered("forge-helo-1"))) {
            if (line.startsWith("Received-SPF:")) {
                assertThat(HeaderGrammar.receivedSpf(line).pairs.get("helo")).isEqualTo(FORGING_HELO);
            }
        }
    }

    @Test
    @DisplayName("RFC 8601 2.3, 7208 2.4: the same HELO through the null sender (postmaster@HELO) is quoted too")
    void forgingHeloThroughNullSender() throws Exception {
        String[] replies = transaction("192.0.2.10", FORGING_HELO, "", "bob@receiver.test", message("forge-helo-2"));
        assertThat(replies[2]).startsWith("250");
        HeaderGrammar.AuthResults results = ourAuthenticationResults(james.delivered("forge-helo-2"));
        assertThat(results.resinfos).containsExactly(
            HeaderGrammar.Resinfo.of("spf", "none", "smtp.helo", FORGING_HELO),
            HeaderGrammar.Resinfo.of("spf", "none", "smtp.mailfrom", "postmaster@" + FORGING_HELO));
    }

    @Test
    @DisplayName("RFC 8601 5, RFC 5322 3.2.2: forged headers hiding our authserv-id behind nested or escaped comments are removed")
    void forgedHeadersWithCommentsRemoved() throws Exception {
        transaction("192.0.2.10", "helo.pass.test", "alice@pass.test", "bob@receiver.test",
            "Authentication-Results: (a(b)c) mx.receiver.test; dkim=pass header.d=forged.example\r\n"
                + "Authentication-Results: (a\\) ) MX.Receiver.Test; dkim=pass header.d=forged2.example\r\n"
                + "Authentication-Results: (folded\r\n comment) mx.receiver.test;\r\n\tdkim=pass header.d=forged3.example\r\n"
                + "Authentication-Results: (mx.receiver.test) other.example; dkim=pass header.d=kept.example\r\n"
                + message("forged-2"));
        List<String> lines = headerLines(james.delivered("forged-2"));
        assertThat(String.join("\n", lines)).doesNotContain("forged.example").doesNotContain("forged2.example")
            .doesNotContain("forged3.example").contains("kept.example");
        assertThat(ourAuthenticationResults(james.delivered("forged-2")).resinfos).extracting(r -> r.method)
            .containsExactly("spf", "spf");
    }
}
