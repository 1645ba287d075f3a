package org.jamesspf.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.james.message.HeaderGrammar;
import org.jamesspf.james.message.MailAttributes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each configuration variant in its own real James 3.8.1. */
class SpfHookConfigurationsIT {
    static TestDnsServer dns;

    @BeforeAll
    static void startDns() throws Exception {
        dns = TestDnsServer.start(SpfZone.zone());
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    private static String handler(String body) {
        return "<handler class=\"org.jamesspf.james.SpfHook\">" + body
            + "<dns><servers><server>" + dns.address() + "</server></servers><queryTimeoutMs>1000</queryTimeoutMs></dns></handler>";
    }

    private static String subjectOf(Mail mail) {
        try {
            return mail.getMessage().getSubject();
        } catch (javax.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("dry-run: nothing refused; an INFO line, a mail attribute and a header comment say what would have been")
    void dryRun(@TempDir Path dir) throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SpfHook.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log = new ch.qos.logback.core.read.ListAppender<>();
        log.start();
        logger.addAppender(log);
        org.apache.james.metrics.tests.RecordingMetricFactory metrics = new org.apache.james.metrics.tests.RecordingMetricFactory();
        try (JamesTestServer james = JamesTestServer.start(dir, handler("<dryRun>true</dryRun>"),
                binder -> binder.bind(org.apache.james.metrics.api.MetricFactory.class).toInstance(metrics));
             SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.10")) {
            smtp.command("EHLO helo.pass.test");
            assertThat(smtp.command("MAIL FROM:<mallory@fail.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<carol@receiver.test>")).startsWith("250");
            assertThat(smtp.data(SpfHookIT.message("dry-1"))).startsWith("250");
            String reply = "550 5.7.23 SPF fail: 192.0.2.10 is not one of fail.test's designated mail servers";
            Mail mail = james.delivered("dry-1");
            assertThat(mail.getAttribute(AttributeName.of(MailAttributes.WOULD_HAVE_REFUSED)).get().getValue().value()).isEqualTo(reply);
            String header = SpfHookIT.headerLines(mail).get(0);
            assertThat(header).startsWith("Authentication-Results:").contains("(dry-run: would have refused: " + reply + ")");
            HeaderGrammar.AuthResults parsed = HeaderGrammar.authenticationResults(header);
            assertThat(parsed.resinfos).extracting(r -> r.result).containsExactly("pass", "fail");
            assertThat(log.list).filteredOn(e -> e.getFormattedMessage().startsWith("SPF dry-run: would have refused"))
                .hasSize(1).first().extracting(e -> e.getFormattedMessage()).asString()
                .contains("ip=192.0.2.10").contains("identity=mailfrom").contains("result=fail").contains("reply=" + reply);
            // a passing transaction on the same connection: no attribute, no comment
            smtp.command("MAIL FROM:<alice@pass.test>");
            smtp.command("RCPT TO:<bob@receiver.test>");
            assertThat(smtp.data(SpfHookIT.message("dry-2"))).startsWith("250");
            Mail passed = james.delivered("dry-2");
            assertThat(passed.getAttribute(AttributeName.of(MailAttributes.WOULD_HAVE_REFUSED))).isEmpty();
            assertThat(SpfHookIT.headerLines(passed).get(0)).doesNotContain("dry-run");
            // one decision per recipient at RCPT: bob and carol
            assertThat(metrics.countFor("spf.dryrun.wouldHaveRefused.mailfrom.fail.reject")).isEqualTo(2);
            assertThat(metrics.countFor("spf.decision.mailfrom.fail.accept")).isEqualTo(2);
            assertThat(metrics.countFor("spf.decision.mailfrom.pass.accept")).isEqualTo(1);
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    @DisplayName("metrics through James's MetricFactory after known traffic: decisions, skips, pending, DNS counters, check timer")
    void metrics(@TempDir Path dir) throws Exception {
        org.apache.james.metrics.tests.RecordingMetricFactory metrics = new org.apache.james.metrics.tests.RecordingMetricFactory();
        try (JamesTestServer james = JamesTestServer.start(dir, handler("<skip><trustedNetworks>198.51.100.0/24</trustedNetworks></skip>"),
                binder -> binder.bind(org.apache.james.metrics.api.MetricFactory.class).toInstance(metrics))) {
            try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.10")) {
                smtp.command("EHLO helo.pass.test");
                assertThat(smtp.mailAndRcpt("alice@pass.test", "bob@receiver.test", java.time.Duration.ofSeconds(10))).startsWith("250");
                smtp.command("RSET");
                assertThat(smtp.mailAndRcpt("mallory@fail.test", "bob@receiver.test", java.time.Duration.ofSeconds(10)))
                    .startsWith("550");
                smtp.command("RSET");
                assertThat(smtp.mailAndRcpt("x@temperror.test", "bob@receiver.test", java.time.Duration.ofSeconds(10)))
                    .startsWith("451");
            }
            try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "198.51.100.7")) {
                smtp.command("EHLO helo.pass.test");
                assertThat(smtp.mailAndRcpt("mallory@fail.test", "bob@receiver.test", java.time.Duration.ofSeconds(10))).startsWith("250");
            }
            assertThat(metrics.countFor("spf.decision.helo.pass.accept")).isEqualTo(1);
            assertThat(metrics.countFor("spf.decision.mailfrom.pass.accept")).isEqualTo(1);
            assertThat(metrics.countFor("spf.decision.mailfrom.fail.reject")).isEqualTo(1);
            assertThat(metrics.countFor("spf.decision.helo.pass.reject")).isEqualTo(1);
            assertThat(metrics.countFor("spf.decision.mailfrom.temperror.defer")).isEqualTo(1);
            assertThat(metrics.countFor("spf.exempt.trusted-network")).isEqualTo(1);
            assertThat(metrics.countFor("spf.dryrun.wouldHaveRefused.mailfrom.fail.reject")).isZero();
            // HELO once (kept), then pass, fail and temperror for MAIL FROM
            assertThat(metrics.countFor("spf.checks")).isEqualTo(4);
            assertThat(metrics.executionTimesFor("spf.check.time")).hasSize(4);
            assertThat(metrics.countFor("spf.dns.lookups")).isZero();
        }
    }

    @Test
    @DisplayName("RFC 7208 11.1: past the per-connection and per-network check budget, no check runs and the pending action applies")
    void checkBudget(@TempDir Path dir) throws Exception {
        org.apache.james.metrics.tests.RecordingMetricFactory metrics = new org.apache.james.metrics.tests.RecordingMetricFactory();
        try (JamesTestServer james = JamesTestServer.start(dir,
                handler("<checks><maxWaitMs>3000</maxWaitMs><maxChecksPerSession>3</maxChecksPerSession>"
                    + "<maxChecksPerNetworkPerMinute>6</maxChecksPerNetworkPerMinute>"
                    // a temperror mapped to reject never refuses a check that was not run
                    + "</checks><actions><mailfrom><temperror action=\"reject\"/></mailfrom></actions>"),
                binder -> binder.bind(org.apache.james.metrics.api.MetricFactory.class).toInstance(metrics))) {
            try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.20")) {
                smtp.command("EHLO helo.pass.test");
                // checks 1 (HELO) and 2 (MAIL FROM)
                assertThat(smtp.mailAndRcpt("alice@pass.test", "bob@receiver.test", java.time.Duration.ofSeconds(10))).startsWith("250");
                smtp.command("RSET");
                // check 3
                assertThat(smtp.mailAndRcpt("a@none.test", "bob@receiver.test", java.time.Duration.ofSeconds(10))).startsWith("250");
                smtp.command("RSET");
                // a 4th new check on this connection: not run, the pending action (not temperror's reject)
                smtp.command("MAIL FROM:<b@neutral.test>");
                assertThat(smtp.command("RCPT TO:<bob@receiver.test>"))
                    .isEqualTo("451 4.7.24 SPF check of MAIL FROM neutral.test still in progress, try again later");
                smtp.command("RSET");
                // a kept outcome costs nothing: still answered
                assertThat(smtp.mailAndRcpt("alice@pass.test", "bob@receiver.test", java.time.Duration.ofSeconds(10))).startsWith("250");
            }
            try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.77")) {
                smtp.command("EHLO helo.pass.test");
                // another host of the network, a new connection: its HELO is check 4 of the network's minute,
                // checks 5 and 6 pass, the 7th does not
                assertThat(smtp.mailAndRcpt("c@softfail.test", "bob@receiver.test", java.time.Duration.ofSeconds(10))).startsWith("250");
                smtp.command("RSET");
                assertThat(smtp.mailAndRcpt("d@none.test", "bob@receiver.test", java.time.Duration.ofSeconds(10))).startsWith("250");
                smtp.command("RSET");
                smtp.command("MAIL FROM:<e@neutral.test>");
                assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("451 4.7.24");
            }
            try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "2001:db8::21")) {
                smtp.command("EHLO helo.pass.test");
                assertThat(smtp.mailAndRcpt("e@neutral.test", "bob@receiver.test", java.time.Duration.ofSeconds(10)))
                    .as("another network has its own budget").startsWith("250");
            }
            assertThat(metrics.countFor("spf.budget.exceeded")).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("enforceAt=mail: the refusal is the reply to MAIL FROM")
    void enforceAtMail(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = JamesTestServer.start(dir, handler("<enforceAt>mail</enforceAt>"));
             SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.10")) {
            smtp.command("EHLO helo.pass.test");
            assertThat(smtp.command("MAIL FROM:<mallory@fail.test>"))
                .isEqualTo("550 5.7.23 SPF fail: 192.0.2.10 is not one of fail.test's designated mail servers");
            assertThat(smtp.command("MAIL FROM:<x@temperror.test>"))
                .isEqualTo("451 4.7.24 SPF temperror for temperror.test: temporary DNS failure, try again later");
            assertThat(smtp.command("MAIL FROM:<alice@pass.test>")).startsWith("250");
        }
    }

    @Test
    @DisplayName("enforceAt=data: RCPT is accepted, the end of DATA is refused, nothing is delivered")
    void enforceAtData(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = JamesTestServer.start(dir, handler("<enforceAt>data</enforceAt>"));
             SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.10")) {
            smtp.command("EHLO helo.pass.test");
            assertThat(smtp.command("MAIL FROM:<mallory@fail.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("250");
            assertThat(smtp.data(SpfHookIT.message("data-fail")))
                .isEqualTo("550 5.7.23 SPF fail: 192.0.2.10 is not one of fail.test's designated mail servers");
            assertThat(smtp.command("MAIL FROM:<alice@pass.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("250");
            assertThat(smtp.data(SpfHookIT.message("data-pass"))).startsWith("250");
            assertThat(james.delivered("data-pass")).isNotNull();
            assertThat(james.acceptedMails(0)).extracting(SpfHookConfigurationsIT::subjectOf).containsExactly("data-pass");
        }
    }

    @Test
    @DisplayName("tag only: every result accepted, the result recorded in headers and attributes")
    void tagOnly(@TempDir Path dir) throws Exception {
        String accept = "<fail action=\"accept\"/><temperror action=\"accept\"/>";
        try (JamesTestServer james = JamesTestServer.start(dir,
                handler("<actions><mailfrom>" + accept + "</mailfrom><helo>" + accept + "</helo></actions>"));
             SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.10")) {
            smtp.command("EHLO helo.fail.test");
            assertThat(smtp.command("MAIL FROM:<mallory@fail.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("250");
            assertThat(smtp.data(SpfHookIT.message("tag-fail"))).startsWith("250");
            Mail mail = james.delivered("tag-fail");
            assertThat(mail.getAttribute(AttributeName.of("org.jamesspf.spf.mailfrom.result")).get().getValue().value()).isEqualTo("fail");
            assertThat(mail.getAttribute(AttributeName.of("org.jamesspf.spf.helo.result")).get().getValue().value()).isEqualTo("fail");
            assertThat(Collections.list(mail.getMessage().getAllHeaderLines())).anyMatch(l -> l.startsWith("Received-SPF: fail"));
        }
    }

    @Test
    @DisplayName("custom actions: softfail deferred with its own code and text; fail rejected 554 5.7.1 with a template")
    void customActions(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = JamesTestServer.start(dir, handler("<actions><mailfrom>"
                + "<softfail action=\"defer\" code=\"450\" status=\"4.7.23\" text=\"{domain} soft-fails {ip}, retry later\"/>"
                + "<fail action=\"reject\" code=\"554\" status=\"5.7.1\" text=\"{identity} {sender} refused: {result}\"/>"
                + "<neutral action=\"reject\"/>"
                + "</mailfrom></actions>"));
             SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.10")) {
            smtp.command("EHLO helo.pass.test");
            smtp.command("MAIL FROM:<x@softfail.test>");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).isEqualTo("450 4.7.23 softfail.test soft-fails 192.0.2.10, retry later");
            smtp.command("RSET");
            smtp.command("MAIL FROM:<mallory@fail.test>");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).isEqualTo("554 5.7.1 MAIL FROM mallory@fail.test refused: fail");
            smtp.command("RSET");
            smtp.command("MAIL FROM:<x@neutral.test>");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).isEqualTo("550 5.7.23 SPF neutral for MAIL FROM neutral.test");
        }
    }

    @Test
    @DisplayName("exemptions: trusted networks, relaying-allowed clients, unverified sender domains; a HELO claim alone is none")
    void exemptions(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = JamesTestServer.start(dir, handler("<skip>"
            + "<trustedNetworks>203.0.113.0/24, 2001:db8:ffff::/48</trustedNetworks>"
            + "<unverifiedSenderDomains>.allowed.test</unverifiedSenderDomains><heloNames>relay.partner.test</heloNames></skip>"))) {
            for (String[] c : List.of(
                new String[] {"203.0.113.9", "helo.pass.test", "mallory@fail.test", "trusted-network"},
                new String[] {"2001:db8:ffff::9", "helo.pass.test", "mallory@fail.test", "trusted-network"},
                new String[] {"10.255.255.5", "helo.pass.test", "mallory@fail.test", "relaying-allowed"},
                new String[] {"192.0.2.10", "helo.pass.test", "x@sub.allowed.test", "unverified-sender-domain"})) {
                try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), c[0])) {
                    smtp.command("EHLO " + c[1]);
                    smtp.command("MAIL FROM:<" + c[2] + ">");
                    assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).as(c[3]).startsWith("250");
                    assertThat(smtp.data(SpfHookIT.message("skip-" + c[3] + c[0].length()))).startsWith("250");
                }
                Mail mail = james.delivered("skip-" + c[3] + c[0].length());
                assertThat(mail.getAttribute(AttributeName.of(MailAttributes.EXEMPTION)).get().getValue().value()).isEqualTo(c[3]);
                assertThat(Collections.list(mail.getMessage().getAllHeaderLines())).noneMatch(l -> l.startsWith("Received-SPF"));
                String ar = SpfHookIT.headerLines(mail).get(0);
                assertThat(HeaderGrammar.authenticationResults(ar).resinfos).extracting(r -> r.result + " " + r.properties.get("policy.exemption"))
                    .containsExactly("policy " + c[3]);
            }
            // allowed.test itself is not covered by ".allowed.test"; relay.partner.test has no address: saying it is no exemption
            for (String[] c : List.of(new String[] {"helo.pass.test", "x@allowed.test"},
                new String[] {"relay.partner.test", "mallory@fail.test"})) {
                try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.10")) {
                    smtp.command("EHLO " + c[0]);
                    smtp.command("MAIL FROM:<" + c[1] + ">");
                    assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).as(c[0]).startsWith("550 5.7.23");
                }
            }
        }
    }

    @Test
    @DisplayName("skip: an SMTP AUTH session is not checked")
    void authenticatedSessionsAreSkipped(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = JamesTestServer.start(dir, handler(""),
                java.util.Map.of("<announce>never</announce>", "<announce>always</announce>"))) {
            james.probe(org.apache.james.utils.DataProbeImpl.class).addUser("carol@receiver.test", "secret");
            try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.10")) {
                smtp.command("EHLO helo.pass.test");
                String token = java.util.Base64.getEncoder().encodeToString("\0carol@receiver.test\0secret"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                assertThat(smtp.command("AUTH PLAIN " + token)).startsWith("235");
                smtp.command("MAIL FROM:<mallory@fail.test>");
                assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("250");
                assertThat(smtp.data(SpfHookIT.message("auth-skip"))).startsWith("250");
            }
            Mail mail = james.delivered("auth-skip");
            assertThat(mail.getAttribute(AttributeName.of(MailAttributes.EXEMPTION)).get().getValue().value()).isEqualTo("authenticated");
            // the same sender without AUTH is refused
            try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.10")) {
                smtp.command("EHLO helo.pass.test");
                smtp.command("MAIL FROM:<mallory@fail.test>");
                assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("550 5.7.23");
            }
        }
    }

    @Test
    @DisplayName("headers off: attributes only")
    void headersOff(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = JamesTestServer.start(dir,
                handler("<headers><receivedSpf>false</receivedSpf><authenticationResults>false</authenticationResults></headers>"));
             SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.10")) {
            smtp.command("EHLO helo.pass.test");
            smtp.command("MAIL FROM:<alice@pass.test>");
            smtp.command("RCPT TO:<bob@receiver.test>");
            assertThat(smtp.data(SpfHookIT.message("noheaders"))).startsWith("250");
            Mail mail = james.delivered("noheaders");
            assertThat(Collections.list(mail.getMessage().getAllHeaderLines()))
                .noneMatch(l -> l.startsWith("Received-SPF") || l.startsWith("Authentication-Results"));
            assertThat(mail.getAttribute(AttributeName.of("org.jamesspf.spf.mailfrom.result")).get().getValue().value()).isEqualTo("pass");
        }
    }

    /**
     * A DNSService whose lookups of the test domains throw, as a broken resolver binding would;
     * James's own start-up lookups (its local host) still work.
     */
    static final class BrokenDnsService implements DNSService {
        private final InMemoryDNSService local = new InMemoryDNSService();

        private static void explode(String name) {
            if (name.endsWith(".test")) {
                throw new IllegalStateException("resolver exploded on " + name);
            }
        }

        @Override
        public java.util.Collection<String> findMXRecords(String hostname) throws org.apache.james.dnsservice.api.TemporaryResolutionException {
            explode(hostname);
            return local.findMXRecords(hostname);
        }

        @Override
        public java.util.Collection<String> findTXTRecords(String hostname) {
            explode(hostname);
            return local.findTXTRecords(hostname);
        }

        @Override
        public java.util.Collection<InetAddress> getAllByName(String host) throws java.net.UnknownHostException {
            explode(host);
            return local.getAllByName(host);
        }

        @Override
        public InetAddress getByName(String host) throws java.net.UnknownHostException {
            explode(host);
            return local.getByName(host);
        }

        @Override
        public InetAddress getLocalHost() throws java.net.UnknownHostException {
            return local.getLocalHost();
        }

        @Override
        public String getHostName(InetAddress addr) {
            if (!addr.isLoopbackAddress()) {
                throw new IllegalStateException("resolver exploded on " + addr);
            }
            return local.getHostName(addr);
        }
    }

    @Test
    @DisplayName("faults: a DNSService that throws gives temperror (451), never a 5xx, and the session goes on")
    void brokenDnsService(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = JamesTestServer.start(dir, "<handler class=\"org.jamesspf.james.SpfHook\"/>",
                binder -> binder.bind(DNSService.class).toInstance(new BrokenDnsService()));
             SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.10")) {
            smtp.command("EHLO helo.pass.test");
            assertThat(smtp.command("MAIL FROM:<alice@pass.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>"))
                .isEqualTo("451 4.7.24 SPF temperror for helo.pass.test: temporary DNS failure, try again later");
            assertThat(smtp.command("RCPT TO:<postmaster@receiver.test>")).startsWith("250");
            assertThat(smtp.command("RSET")).startsWith("250");
            assertThat(smtp.command("NOOP")).startsWith("250");
        }
    }

    @Test
    @DisplayName("James DNSService path: a DNS double bound the usual Guice way answers the checks")
    void jamesDnsServicePath(@TempDir Path dir) throws Exception {
        InMemoryDNSService inMemory = new InMemoryDNSService()
            .registerRecord("pass.test", List.of(), List.of(), List.of("\"v=spf1 ip4:192.0.2.0/24\" \" -all\""))
            .registerRecord("fail.test", List.of(), List.of(), List.of("v=spf1 -all"))
            .registerRecord("helo.pass.test", List.of(InetAddress.getByName("192.0.2.10")), List.of(), List.of());
        try (JamesTestServer james = JamesTestServer.start(dir, "<handler class=\"org.jamesspf.james.SpfHook\"/>",
                binder -> binder.bind(DNSService.class).toInstance(inMemory));
             SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.10")) {
            smtp.command("EHLO helo.pass.test");
            smtp.command("MAIL FROM:<mallory@fail.test>");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>"))
                .isEqualTo("550 5.7.23 SPF fail: fail.test does not designate 192.0.2.10 as a permitted sender");
            smtp.command("RSET");
            smtp.command("MAIL FROM:<alice@pass.test>");
            assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("250");
            assertThat(smtp.data(SpfHookIT.message("adapter-pass"))).startsWith("250");
            assertThat(Collections.list(james.delivered("adapter-pass").getMessage().getAllHeaderLines()))
                .anyMatch(l -> l.startsWith("Received-SPF: pass"));
        }
    }
}
