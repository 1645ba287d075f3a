package org.jamesspf.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.mailet.Mail;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.dns.TestRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fair share through a real James 3.8.1: a VERP sender costs one evaluation, a message of 100,000
 * header fields goes through, attributes carry no raw DNS text, a check that cannot run never
 * gets a 5xx, and a slow domain or a busy network fills only its own share.
 */
class FairShareIT {
    static TestDnsServer dns;

    @BeforeAll
    static void startDns() throws Exception {
        TestDnsServer.Zone zone = SpfZone.zone()
            .add(TestRecords.txt("lists.test", "v=spf1 ip4:192.0.2.0/24 -all"))
            .add(TestRecords.txt("evil.test", "v=spf1 a:x\r\ny.evil.test -all"))
            .add(TestRecords.txt("bigexp.test", "v=spf1 -all exp=why.bigexp.test"))
            .add(TestRecords.txt("why.bigexp.test", "%{d}%{d}%{d}%{d}%{d}%{d}%{d}%{d}%{d}%{d}".repeat(40)))
            .add(TestRecords.txt("slow.test", "v=spf1 include:inner.slow.test -all"))
            .delay("slow.test", Duration.ofSeconds(3));
        dns = TestDnsServer.start(zone);
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    private static String handler(String body) {
        return "<handler class=\"org.jamesspf.james.SpfHook\">" + body
            + "<dns><servers><server>" + dns.address() + "</server></servers><queryTimeoutMs>1000</queryTimeoutMs>"
            + "<timeBudgetMs>10000</timeBudgetMs></dns></handler>";
    }

    @Test
    @DisplayName("VERP: 40 messages from one client, each a new local part, one evaluation for them all; none deferred")
    void verpSharesOneEvaluation(@TempDir Path dir) throws Exception {
        org.apache.james.metrics.tests.RecordingMetricFactory metrics = new org.apache.james.metrics.tests.RecordingMetricFactory();
        try (JamesTestServer james = JamesTestServer.start(dir, handler(""),
                binder -> binder.bind(org.apache.james.metrics.api.MetricFactory.class).toInstance(metrics));
             SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.30")) {
            smtp.command("EHLO helo.pass.test");
            for (int i = 0; i < 40; i++) {
                assertThat(smtp.command("MAIL FROM:<bounce-" + i + "-bob=example.org@lists.test>")).startsWith("250");
                assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).as("message " + i).startsWith("250");
                smtp.command("RSET");
            }
            // HELO once, MAIL FROM once: the outcome used no local part, so it answered the 39 others
            assertThat(metrics.countFor("spf.checks")).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("attributes carry no CR/LF and at most 256 characters, whatever the record and the explanation")
    void attributesSanitised(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = JamesTestServer.start(dir, handler("<actions><mailfrom><fail action=\"accept\"/>"
            + "<permerror action=\"accept\"/></mailfrom></actions>"))) {
            assertThat(SpfHookIT.transaction(james, "192.0.2.40", "helo.pass.test", "a@evil.test", "bob@receiver.test",
                SpfHookIT.message("attr-evil"))[2]).startsWith("250");
            assertThat(SpfHookIT.transaction(james, "192.0.2.40", "helo.pass.test", "a@bigexp.test", "bob@receiver.test",
                SpfHookIT.message("attr-big"))[2]).startsWith("250");
            for (String subject : List.of("attr-evil", "attr-big")) {
                Mail mail = james.delivered(subject);
                for (String name : List.of("result", "domain", "term", "explanation")) {
                    String value = SpfHookIT.attribute(mail, "org.jamesspf.spf.mailfrom." + name).orElse("");
                    assertThat(value).as(subject + " " + name).doesNotContain("\r", "\n").hasSizeLessThanOrEqualTo(256);
                }
            }
            assertThat(SpfHookIT.attribute(james.delivered("attr-evil"), "org.jamesspf.spf.mailfrom.result")).contains("permerror");
            assertThat(SpfHookIT.attribute(james.delivered("attr-big"), "org.jamesspf.spf.mailfrom.explanation").orElse(""))
                .hasSize(256).startsWith("bigexp.test");
        }
    }

    @Test
    @DisplayName("a message of 100,000 header fields of distinct names is delivered, ours on top")
    void hundredThousandFields(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = JamesTestServer.start(dir, handler(""))) {
            StringBuilder message = new StringBuilder();
            for (int i = 0; i < 100_000; i++) {
                message.append("X-Field-").append(i).append(": v\r\n");
            }
            message.append(SpfHookIT.message("many-fields"));
            String[] replies = SpfHookIT.transaction(james, "192.0.2.50", "helo.pass.test", "alice@pass.test", "bob@receiver.test",
                message.toString());
            assertThat(replies[2]).startsWith("250");
            List<String> lines = SpfHookIT.headerLines(james.delivered("many-fields"));
            int ours = lines.indexOf(lines.stream().filter(l -> l.startsWith("Authentication-Results: mx.receiver.test;")).findFirst()
                .orElseThrow());
            assertThat(lines.get(ours + 1)).startsWith("Received-SPF: pass");
            // above every field the client sent; only James's own fields (its Received) may come before ours
            assertThat(ours).isLessThan(lines.indexOf("X-Field-0: v"));
            assertThat(lines.subList(0, ours)).allMatch(l -> l.startsWith("Received: from 192.0.2.50") || l.startsWith("MIME-Version"));
            assertThat(lines).hasSizeGreaterThan(100_000);
        }
    }

    @Test
    @DisplayName("a domain whose DNS is slow fills its own share: its next senders get the pending action at once, others pass")
    void slowDomainShare(@TempDir Path dir) throws Exception {
        try (JamesTestServer james = JamesTestServer.start(dir, handler("<checks><maxWaitMs>100</maxWaitMs>"
            + "<maxInFlightPerDomain>2</maxInFlightPerDomain></checks><checkHelo>false</checkHelo>"))) {
            for (int i = 0; i < 2; i++) {
                try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "10." + i + ".0.1")) {
                    smtp.command("EHLO h.test");
                    smtp.command("MAIL FROM:<u" + i + "@slow.test>");
                    assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).as("still waiting for slow.test").startsWith("451 4.7.24");
                }
            }
            try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "10.9.0.1")) {
                smtp.command("EHLO h.test");
                smtp.command("MAIL FROM:<u9@slow.test>");
                assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).startsWith("451 4.7.24");
                smtp.command("RSET");
                smtp.command("MAIL FROM:<alice@neutral.test>");
                assertThat(smtp.command("RCPT TO:<bob@receiver.test>")).as("another domain").startsWith("250");
            }
        }
    }
}
