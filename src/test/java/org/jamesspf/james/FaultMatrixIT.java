package org.jamesspf.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.mailet.Mail;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.dns.TestRecords;
import org.jamesspf.james.message.HeaderGrammar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * Broken DNS through a real James 3.8.1 (issue 9's fault matrix): each case gets its RFC 7208
 * result, the configured action, well-formed headers when accepted, a reply within the wait
 * bound, and never a 5xx caused by DNS or the plugin. The hook waits at most 500 ms; a query
 * times out after 1500 ms, so timeouts are met first as pending checks, then as temperror.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixIT {
    static final Duration MAX_WAIT = Duration.ofMillis(500);
    /** A reply must come within the wait bound plus this (a busy 2-core machine, SMTP and PROXY parsing). */
    static final Duration SLACK = Duration.ofMillis(1500);

    @TempDir
    static Path dir;
    static TestDnsServer dns;
    static JamesTestServer james;

    @BeforeAll
    static void start() throws Exception {
        StringBuilder big = new StringBuilder("v=spf1");
        for (int i = 0; big.length() < 4000; i++) {
            big.append(" ip4:10.").append(i / 250).append('.').append(i % 250).append(".0/24");
        }
        big.append(" ip4:192.0.2.0/24 -all");
        TestDnsServer.Zone zone = new TestDnsServer.Zone()
            .add(TestRecords.txt("pass.test", "v=spf1 ip4:192.0.2.0/24 -all"))
            .add(TestRecords.txt("helo.pass.test", "v=spf1 ip4:192.0.2.0/24 -all"))
            .timeout("timeout.test")
            .timeout("stalled-helo.test", Type.TXT)
            .serverFailure("servfail.test", Type.TXT)
            .add(TestRecords.txt("include-servfail.test", "v=spf1 include:inner-servfail.test -all"))
            .serverFailure("inner-servfail.test", Type.TXT)
            .add(TestRecords.txt("truncated.test", big.toString()))
            .add(TestRecords.txt("big.test", big.toString()))
            .add(TestRecords.txt("mx100.test", "v=spf1 mx -all"))
            .add(TestRecords.txt("include-loop.test", "v=spf1 include:include-loop.test -all"))
            .add(TestRecords.txt("redirect-loop.test", "v=spf1 redirect=redirect-loop.test"))
            .add(TestRecords.txt("slow.test", "v=spf1 ip4:192.0.2.0/24 -all"))
            .delay("slow.test", Duration.ofMillis(1000));
        for (int i = 0; i < 100; i++) {
            zone.add(TestRecords.mx("mx100.test", i, "mx" + i + ".mx100.test"));
        }
        dns = TestDnsServer.start(zone);
        james = JamesTestServer.start(dir, "<handler class=\"org.jamesspf.james.SpfHook\">"
            + "<dns><servers><server>" + dns.address() + "</server></servers><queryTimeoutMs>1500</queryTimeoutMs>"
            + "<timeBudgetMs>3000</timeBudgetMs></dns>"
            + "<checks><maxWaitMs>" + MAX_WAIT.toMillis() + "</maxWaitMs></checks>"
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

    /** RCPT's reply and how long it took; DATA's reply when accepted. */
    static final class Result {
        final String rcpt;
        final long rcptMillis;
        final String data;

        Result(String rcpt, long rcptMillis, String data) {
            this.rcpt = rcpt;
            this.rcptMillis = rcptMillis;
            this.data = data;
        }
    }

    static Result send(String helo, String sender, String subject) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), "192.0.2.10")) {
            smtp.command("EHLO " + helo);
            assertThat(smtp.command("MAIL FROM:<" + sender + ">")).startsWith("250");
            long start = System.nanoTime();
            String rcpt = smtp.command("RCPT TO:<bob@receiver.test>");
            long millis = (System.nanoTime() - start) / 1_000_000;
            String data = rcpt.startsWith("250") ? smtp.data(SpfHookIT.message(subject)) : "";
            assertThat(rcpt).as("never a 5xx for a DNS or plugin fault").doesNotStartWith("5");
            assertThat(millis).as("RCPT reply within the wait bound").isLessThan(MAX_WAIT.plus(SLACK).toMillis());
            return new Result(rcpt, millis, data);
        }
    }

    /** Our Authentication-Results of a delivered mail, parsed strictly; its spf results by property value. */
    static List<String> results(String subject) throws Exception {
        Mail mail = james.delivered(subject);
        List<String> results = new ArrayList<>();
        for (HeaderGrammar.Resinfo r : SpfHookIT.ourAuthenticationResults(mail).resinfos) {
            results.add(r.result + " " + r.properties.values().iterator().next());
        }
        for (String line : SpfHookIT.headerLines(mail)) {
            if (line.startsWith("Received-SPF:")) {
                HeaderGrammar.receivedSpf(line);
            }
        }
        return results;
    }

    /** Retries until the reply is no longer the pending one (the check ran to its end), within a bound. */
    static Result sendUntilDone(String helo, String sender, String subject) throws Exception {
        Result r = send(helo, sender, subject);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (r.rcpt.contains("still in progress") && System.nanoTime() < deadline) {
            Thread.sleep(250);
            r = send(helo, sender, subject);
        }
        return r;
    }

    @Test
    @Order(1)
    @DisplayName("every query times out: pending 451 within the bound, then temperror 451 4.7.24 on the retry")
    void everyQueryTimesOut() throws Exception {
        Result first = send("helo.pass.test", "a@timeout.test", "t1");
        assertThat(first.rcpt).startsWith("451 4.7.24 SPF check of MAIL FROM timeout.test still in progress");
        Result done = sendUntilDone("helo.pass.test", "a@timeout.test", "t1");
        assertThat(done.rcpt).isEqualTo("451 4.7.24 SPF temperror for timeout.test: temporary DNS failure, try again later");
        // the retry is answered from the kept outcome: no new wait
        Result again = send("helo.pass.test", "a@timeout.test", "t1");
        assertThat(again.rcpt).isEqualTo(done.rcpt);
        assertThat(again.rcptMillis).isLessThan(MAX_WAIT.toMillis());
    }

    @Test
    @Order(2)
    @DisplayName("a slow but working domain: pending 451 first, pass on the retry, delivered with headers")
    void slowDomainPassesOnRetry() throws Exception {
        Result first = send("helo.pass.test", "a@slow.test", "slow-1");
        assertThat(first.rcpt).startsWith("451 4.7.24 SPF check of MAIL FROM slow.test still in progress");
        Result done = sendUntilDone("helo.pass.test", "a@slow.test", "slow-1");
        assertThat(done.rcpt).startsWith("250");
        assertThat(done.data).startsWith("250");
        assertThat(results("slow-1")).containsExactly("pass helo.pass.test", "pass a@slow.test");
    }

    @Test
    @Order(3)
    @DisplayName("4.4: SERVFAIL on TXT -> temperror, 451")
    void servfail() throws Exception {
        assertThat(send("helo.pass.test", "a@servfail.test", "sf").rcpt)
            .isEqualTo("451 4.7.24 SPF temperror for servfail.test: temporary DNS failure, try again later");
    }

    @Test
    @Order(4)
    @DisplayName("5.2: SERVFAIL on an include's TXT -> temperror, 451")
    void includeServfail() throws Exception {
        assertThat(send("helo.pass.test", "a@include-servfail.test", "isf").rcpt)
            .isEqualTo("451 4.7.24 SPF temperror for include-servfail.test: temporary DNS failure, try again later");
    }

    @Test
    @Order(5)
    @DisplayName("a truncated UDP answer with TCP refused -> temperror, 451")
    void truncatedWithoutTcp() throws Exception {
        dns.refuseTcp(true);
        try {
            Result r = sendUntilDone("helo.pass.test", "a@truncated.test", "tr");
            assertThat(r.rcpt).isEqualTo("451 4.7.24 SPF temperror for truncated.test: temporary DNS failure, try again later");
        } finally {
            dns.refuseTcp(false);
        }
    }

    @Test
    @Order(6)
    @DisplayName("a 4 KB record over TCP: pass, delivered with headers")
    void bigRecord() throws Exception {
        Result r = sendUntilDone("helo.pass.test", "a@big.test", "big");
        assertThat(r.rcpt).startsWith("250");
        assertThat(results("big")).containsExactly("pass helo.pass.test", "pass a@big.test");
    }

    @Test
    @Order(7)
    @DisplayName("4.6.4: 100 MX records -> permerror, accepted by default, header says so")
    void hundredMx() throws Exception {
        Result r = sendUntilDone("helo.pass.test", "a@mx100.test", "mx100");
        assertThat(r.rcpt).startsWith("250");
        assertThat(results("mx100")).containsExactly("pass helo.pass.test", "permerror a@mx100.test");
    }

    @Test
    @Order(8)
    @DisplayName("4.6.4: an include loop and a redirect loop -> permerror, accepted by default")
    void loops() throws Exception {
        assertThat(sendUntilDone("helo.pass.test", "a@include-loop.test", "iloop").rcpt).startsWith("250");
        assertThat(results("iloop")).containsExactly("pass helo.pass.test", "permerror a@include-loop.test");
        assertThat(sendUntilDone("helo.pass.test", "a@redirect-loop.test", "rloop").rcpt).startsWith("250");
        assertThat(results("rloop")).containsExactly("pass helo.pass.test", "permerror a@redirect-loop.test");
    }

    @Test
    @Order(9)
    @DisplayName("2.3: stalled DNS for the HELO identity only -> 451 for HELO, never 5xx, MAIL FROM still passes")
    void stalledHeloOnly() throws Exception {
        Result first = send("stalled-helo.test", "a@pass.test", "sh");
        assertThat(first.rcpt).startsWith("451 4.7.24 SPF check of HELO stalled-helo.test still in progress");
        Result done = sendUntilDone("stalled-helo.test", "a@pass.test", "sh");
        assertThat(done.rcpt).isEqualTo("451 4.7.24 SPF temperror for stalled-helo.test: temporary DNS failure, try again later");
    }

    @Test
    @Order(10)
    @DisplayName("the DNS server down: temperror or pending, 451 within the bound, never 5xx")
    void serverDown() throws Exception {
        dns.close();
        Result r = sendUntilDone("helo.pass.test", "a@down-but-unseen.test", "down");
        assertThat(r.rcpt).startsWith("451 4.7.24 SPF temperror for ");
    }
}
