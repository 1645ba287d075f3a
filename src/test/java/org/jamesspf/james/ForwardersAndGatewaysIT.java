package org.jamesspf.james;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Mail;
import org.jamesspf.demo.DemoWorkDir;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.james.message.HeaderGrammar;
import org.jamesspf.james.message.MailAttributes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * examples/forwarders.xml and examples/behind-gateway.xml as shipped, in a real James 3.8.1:
 * verified exemptions a spoofed claim does not get, and SPF of the client a trusted gateway
 * recorded, over SMTP with the PROXY protocol giving each client's address.
 */
class ForwardersAndGatewaysIT {
    private static TestDnsServer dns;
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(SpfHook.class);

    @BeforeAll
    static void startDns() throws Exception {
        dns = TestDnsServer.start(SpfZone.zone());
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
    }

    /** The shipped example, its DNS pointed at the test server (and {@code replacements} applied). */
    private static String example(String file, String... replacements) throws Exception {
        String xml = Files.readString(DemoWorkDir.projectDir().resolve("examples").resolve(file));
        for (int i = 0; i < replacements.length; i += 2) {
            assertThat(xml).contains(replacements[i]);
            xml = xml.replace(replacements[i], replacements[i + 1]);
        }
        return xml.replace("</handler>", "<dns><servers><server>" + dns.address() + "</server></servers>"
            + "<queryTimeoutMs>1000</queryTimeoutMs></dns></handler>");
    }

    private JamesTestServer james(Path dir, String handler) throws Exception {
        return JamesTestServer.start(dir, handler, binder -> binder.bind(MetricFactory.class).toInstance(metrics));
    }

    /** EHLO, MAIL FROM and RCPT (retried while a check is pending), and DATA when accepted: the RCPT and DATA replies. */
    private static String[] send(JamesTestServer james, String ip, String helo, String sender, String subject, String extraHeaders)
        throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), ip)) {
            smtp.command("EHLO " + helo);
            String rcpt = smtp.mailAndRcpt(sender, "bob@receiver.test", Duration.ofSeconds(10));
            String data = rcpt.startsWith("250") ? smtp.data(extraHeaders + SpfHookIT.message(subject)) : "";
            return new String[] {rcpt, data};
        }
    }

    private List<String> lines(String prefix) {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith(prefix))
            .collect(java.util.stream.Collectors.toList());
    }

    private static HeaderGrammar.Resinfo spf(Mail mail) throws Exception {
        String ar = SpfHookIT.headerLines(mail).stream().filter(l -> l.startsWith("Authentication-Results:")).findFirst().orElseThrow();
        List<HeaderGrammar.Resinfo> resinfos = HeaderGrammar.authenticationResults(ar).resinfos;
        return resinfos.get(resinfos.size() - 1);
    }

    @Test
    @DisplayName("examples/forwarders.xml: verified forwarders and HELO names are exempt and say so; the same claims spoofed are refused")
    void forwarders(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = james(dir, example("forwarders.xml"))) {
            // passes lists.example.org's SPF; by forward-confirmed name under alumni.example.edu; by HELO address
            String[][] exempt = {
                {"203.0.113.40", "out.lists.example.org", "forwarder", "203.0.113.40 passes the SPF of forwarder lists.example.org"},
                {"203.0.113.50", "mx1.alumni.example.edu", "forwarder",
                    "203.0.113.50 has a forward-confirmed name under forwarder alumni.example.edu"},
                {"203.0.113.30", "relay.partner.example", "verified-helo", "HELO relay.partner.example resolves to 203.0.113.30"}};
            for (String[] c : exempt) {
                String[] replies = send(james, c[0], c[1], "mallory@fail.test", "fwd-" + c[0], "");
                assertThat(replies[0]).as(c[3]).startsWith("250");
                assertThat(replies[1]).startsWith("250");
                Mail mail = james.delivered("fwd-" + c[0]);
                assertThat(SpfHookIT.attribute(mail, MailAttributes.EXEMPTION)).contains(c[2]);
                assertThat(SpfHookIT.attribute(mail, MailAttributes.EXEMPTION_DETAIL)).contains(c[3]);
                HeaderGrammar.Resinfo spf = spf(mail);
                assertThat(spf.result).isEqualTo("policy");
                assertThat(spf.properties).containsEntry("policy.exemption", c[2]).containsEntry("smtp.mailfrom", "mallory@fail.test");
                assertThat(SpfHookIT.headerLines(mail)).noneMatch(l -> l.startsWith("Received-SPF"));
            }
            // the claims, spoofed: a PTR name that does not resolve back, a listed HELO from another address,
            // a forwarder's domain in MAIL FROM
            String[][] refused = {
                {"203.0.113.51", "mx2.alumni.example.edu", "mallory@fail.test"},
                {"203.0.113.99", "relay.partner.example", "mallory@fail.test"},
                {"203.0.113.99", "out.lists.example.org", "list-bounces@lists.example.org"}};
            for (String[] c : refused) {
                assertThat(send(james, c[0], c[1], c[2], "spoofed", "")[0]).as(c[0] + " " + c[1]).startsWith("550 5.7.23");
            }
            assertThat(lines("SPF exempt ")).hasSize(3).allMatch(l -> l.contains("sender=mallory@fail.test"))
                .anyMatch(l -> l.contains("ip=203.0.113.40") && l.contains("exemption=forwarder"))
                .anyMatch(l -> l.contains("ip=203.0.113.30") && l.contains("exemption=verified-helo"));
            assertThat(metrics.countFor("spf.exempt.forwarder")).isEqualTo(2);
            assertThat(metrics.countFor("spf.exempt.verified-helo")).isEqualTo(1);
        }
    }

    /** What a gateway running Postfix prepends: the client it saw, the HELO it gave. */
    private static String gatewayReceived(String clientIp, String helo) {
        return "Received: from " + helo + " (mail.client.example [" + clientIp + "])\r\n\tby gw.example.net (Postfix) with ESMTPS id"
            + " 4Bq7Zk0XyZz9sWx\r\n\tfor <bob@receiver.test>; Thu,  3 Dec 2026 09:18:57 +0000 (UTC)\r\n";
    }

    @Test
    @DisplayName("examples/behind-gateway.xml: the client the gateway recorded is checked at the end of DATA; forged lower fields change nothing")
    void behindGateway(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = james(dir, example("behind-gateway.xml"))) {
            String gateway = "198.51.100.25";
            // pass.test designates 192.0.2.0/24: the original client passes; the gateway itself (in fail.test's
            // 198.51.100.0/24) is never the one checked
            String[] passed = send(james, gateway, "gw.example.net", "alice@pass.test", "gw-pass", gatewayReceived("192.0.2.66",
                "smtp.pass.test"));
            assertThat(passed[0]).as("nothing is refused before the message").startsWith("250");
            assertThat(passed[1]).startsWith("250");
            Mail mail = james.delivered("gw-pass");
            HeaderGrammar.Resinfo spf = spf(mail);
            assertThat(spf.result).isEqualTo("pass");
            assertThat(SpfHookIT.headerLines(mail)).anyMatch(l -> l.startsWith("Authentication-Results:")
                && l.contains("(sender IP is 192.0.2.66, via gateway " + gateway + ")"));
            String receivedSpf = SpfHookIT.headerLines(mail).stream().filter(l -> l.startsWith("Received-SPF:")).findFirst().orElseThrow();
            assertThat(HeaderGrammar.receivedSpf(receivedSpf).pairs).containsEntry("client-ip", "192.0.2.66")
                .containsEntry("x-gateway", gateway).containsEntry("helo", "smtp.pass.test");
            assertThat(SpfHookIT.attribute(mail, MailAttributes.GATEWAY)).contains(gateway);
            assertThat(SpfHookIT.attribute(mail, MailAttributes.GATEWAY_CLIENT)).contains("192.0.2.66");

            // fail.test designates 198.51.100.0/24 only: refused at the end of DATA, even with a forged field below
            // claiming an address fail.test designates
            String forged = gatewayReceived("192.0.2.66", "smtp.fail.test") + gatewayReceived("198.51.100.7", "forged.fail.test");
            assertThat(send(james, gateway, "gw.example.net", "mallory@fail.test", "gw-fail", forged)[1]).startsWith("550 5.7.23");

            // the gateway recorded a private address: the temperror action, and why in the log
            assertThat(send(james, gateway, "gw.example.net", "alice@pass.test", "gw-private", gatewayReceived("10.0.0.5",
                "internal.example"))[1]).startsWith("451 4.7.24");
            assertThat(lines("SPF gateway message unreadable")).hasSize(1).first().asString()
                .contains("why=gateway " + gateway + " recorded a private address, 10.0.0.5").contains("action=temperror");

            // a client that is not a gateway is checked as always, at RCPT
            assertThat(send(james, "192.0.2.10", "helo.pass.test", "mallory@fail.test", "direct", "")[0]).startsWith("550 5.7.23");
            assertThat(metrics.countFor("spf.gateway.read")).isEqualTo(2);
            assertThat(metrics.countFor("spf.gateway.unreadable")).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("behind-gateway with onUnreadable=accept: an unreadable message is accepted, recorded as gateway-unreadable")
    void gatewayUnreadableAccepted(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = james(dir, example("behind-gateway.xml",
                "<onUnreadable>temperror</onUnreadable>", "<onUnreadable>accept</onUnreadable>"))) {
            String[] replies = send(james, "198.51.100.25", "gw.example.net", "mallory@fail.test", "gw-unreadable", "");
            assertThat(replies[1]).startsWith("250");
            Mail mail = james.delivered("gw-unreadable");
            assertThat(SpfHookIT.attribute(mail, MailAttributes.EXEMPTION)).contains("gateway-unreadable");
            assertThat(SpfHookIT.attribute(mail, MailAttributes.GATEWAY_UNREADABLE))
                .contains("no Received field below gateway 198.51.100.25");
            HeaderGrammar.Resinfo spf = spf(mail);
            assertThat(spf.result).isEqualTo("policy");
            assertThat(spf.properties).containsEntry("policy.exemption", "gateway-unreadable");
            assertThat(metrics.countFor("spf.exempt.gateway-unreadable")).isEqualTo(1);
        }
    }
}
