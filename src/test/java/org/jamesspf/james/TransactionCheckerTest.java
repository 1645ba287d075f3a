package org.jamesspf.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.SpfResult;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.InMemoryZone;
import org.jamesspf.spf.dns.SpfDns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The transaction's checks on a fake session: fault verdicts, reuse of outcomes, waits and pending verdicts. */
class TransactionCheckerTest {
    private static final ActionPolicy DEFAULT_ACTIONS = ActionPolicy.defaults();
    /** A resolver that counts TXT queries and answers them from a zone, throws, or holds names until released. */
    static final class ScriptedDns implements SpfDns {
        final InMemoryZone zone;
        final AtomicInteger txtQueries = new AtomicInteger();
        final CompletableFuture<Void> release = new CompletableFuture<>();
        volatile boolean explode;

        ScriptedDns(InMemoryZone zone) {
            this.zone = zone;
        }

        @Override
        public CompletionStage<DnsAnswer<String>> txt(String name) {
            txtQueries.incrementAndGet();
            if (explode) {
                throw new IllegalStateException("resolver bug");
            }
            if (name.startsWith("held.") || name.endsWith(".held.test")) {
                return release.thenCompose(x -> zone.txt("pass.test"));
            }
            return zone.txt(name);
        }

        @Override
        public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
            return zone.a(name);
        }

        @Override
        public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
            return zone.aaaa(name);
        }

        @Override
        public CompletionStage<DnsAnswer<String>> mx(String name) {
            return zone.mx(name);
        }

        @Override
        public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
            return zone.ptr(address);
        }
    }

    private static final InMemoryZone ZONE = InMemoryZone.builder()
        .txt("pass.test", "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 ip4:172.16.0.0/16 -all")
        .serverFailure("temperror.test", InMemoryZone.Type.TXT)
        .build();
    private static final long WAIT = Duration.ofSeconds(5).toNanos();

    private CheckScheduler scheduler;

    private TransactionChecker checker(ScriptedDns dns) {
        SpfHookConfig config = SpfHookConfig.defaults();
        TransactionChecker[] t = new TransactionChecker[1];
        SpfMetrics metrics = new SpfMetrics(new org.apache.james.metrics.tests.RecordingMetricFactory(), n -> { });
        scheduler = new CheckScheduler(SpfChecker.builder(dns).build(), config.checks(),
            o -> t[0].logEvaluation(o), System::nanoTime, metrics);
        t[0] = new TransactionChecker(config, scheduler, metrics, System::nanoTime);
        return t[0];
    }

    private static Verdict decide(TransactionChecker transactions, SMTPSession session, String sender) throws Exception {
        return transactions.resolve(transactions.begin(session, MaybeSender.getMailSender(sender)), WAIT);
    }

    @Test
    @DisplayName("an internal fault's verdict names the real client, sender and HELO, never 0.0.0.0")
    void faultVerdictRecordsTheRealRequest() throws Exception {
        ScriptedDns dns = new ScriptedDns(ZONE);
        dns.explode = true;
        TransactionChecker transactions = checker(dns);
        SMTPSession session = FakeSessions.session("192.0.2.77", "helo.pass.test");
        MaybeSender sender = MaybeSender.getMailSender("alice@pass.test");
        assertThatThrownBy(() -> decide(transactions, session, "alice@pass.test")).isInstanceOf(IllegalStateException.class);
        Verdict fault = transactions.fault(session, sender);
        assertThat(fault.under(DEFAULT_ACTIONS).action().kind()).isEqualTo(Action.Kind.DEFER);
        CheckOutcome outcome = fault.outcomes().get(0);
        assertThat(outcome.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(outcome.reason()).isEqualTo(Reason.INTERNAL_ERROR);
        assertThat(outcome.request().ip()).isEqualTo(IpAddress.parse("192.0.2.77"));
        assertThat(outcome.request().sender()).isEqualTo("alice@pass.test");
        assertThat(outcome.request().helo()).isEqualTo("helo.pass.test");
        String header = HeaderRenderer.authenticationResults("mx.receiver.test", fault.outcomes());
        assertThat(header).contains("sender IP is 192.0.2.77").contains("smtp.mailfrom=alice@pass.test").doesNotContain("0.0.0.0");
        assertThat(SpfHook.refusal(fault.under(DEFAULT_ACTIONS)).getSmtpRetCode()).isEqualTo("451");
    }

    @Test
    @DisplayName("a fault verdict without a readable transaction still defers, and writes no header")
    void faultWithoutRequest() {
        Verdict fault = Verdict.unreadableFault();
        assertThat(fault.outcomes()).isEmpty();
        assertThat(SpfHook.refusal(fault.under(DEFAULT_ACTIONS)).getSmtpRetCode()).isEqualTo("451");
        assertThat(SpfHook.refusal(fault.under(DEFAULT_ACTIONS)).getSmtpDescription()).startsWith("4.7.24 ");
    }

    @Test
    @DisplayName("an outcome is reused on a retry, but a quick temperror (SERVFAIL) is looked up again")
    void temperrorIsNotReused() throws Exception {
        ScriptedDns dns = new ScriptedDns(ZONE);
        TransactionChecker transactions = checker(dns);
        SMTPSession session = FakeSessions.session("192.0.2.77", "h");
        decide(transactions, session, "alice@pass.test");
        decide(transactions, session, "alice@pass.test");
        assertThat(dns.txtQueries.get()).as("pass reused").isEqualTo(1);
        Verdict first = decide(transactions, session, "bob@temperror.test");
        assertThat(first.outcomes()).extracting(CheckOutcome::result).isEqualTo(List.of(SpfResult.TEMPERROR));
        decide(transactions, session, "bob@temperror.test");
        assertThat(dns.txtQueries.get()).as("temperror looked up again").isEqualTo(3);
    }

    @Test
    @DisplayName("a check not done within the wait gets the pending action (451), later waits return at once, the outcome comes later")
    void pendingCheck() throws Exception {
        ScriptedDns dns = new ScriptedDns(ZONE);
        TransactionChecker transactions = checker(dns);
        SMTPSession session = FakeSessions.session("192.0.2.77", "h");
        TransactionChecker.Pending pending = transactions.begin(session, MaybeSender.getMailSender("alice@held.test"));
        long start = System.nanoTime();
        Verdict first = transactions.resolve(pending, Duration.ofMillis(50).toNanos());
        assertThat(first.isPending()).isTrue();
        assertThat(first.under(DEFAULT_ACTIONS).action().kind()).isEqualTo(Action.Kind.DEFER);
        assertThat(SpfHook.refusal(first.under(DEFAULT_ACTIONS)).getSmtpRetCode()).isEqualTo("451");
        assertThat(SpfHook.refusal(first.under(DEFAULT_ACTIONS)).getSmtpDescription()).isEqualTo("4.7.24 SPF check of MAIL FROM held.test still in progress, try again later");
        assertThat(first.outcomes().get(0).problem()).isEqualTo(TransactionChecker.PENDING_PROBLEM);
        // a retry of the same check joins the running evaluation and does not wait again
        TransactionChecker.Pending retry = transactions.begin(session, MaybeSender.getMailSender("alice@held.test"));
        long before = System.nanoTime();
        assertThat(transactions.resolve(retry, WAIT).isPending()).isTrue();
        assertThat(System.nanoTime() - before).as("no second wait").isLessThan(WAIT / 2);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (dns.txtQueries.get() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5); // a hang guard: the evaluation's thread asks its TXT when it runs
        }
        assertThat(dns.txtQueries.get()).as("one evaluation shared").isEqualTo(1);
        dns.release.complete(null);
        // once done, the outcome is kept: the next retry is answered from it
        for (int i = 0; i < 100 && scheduler.inFlight() > 0; i++) {
            Thread.sleep(10);
        }
        Verdict done = transactions.resolve(transactions.begin(session, MaybeSender.getMailSender("alice@held.test")), WAIT);
        assertThat(done.isPending()).isFalse();
        assertThat(done.outcomes().get(0).result()).isEqualTo(SpfResult.PASS);
        assertThat(dns.txtQueries.get()).isEqualTo(1);
        assertThat(start).isPositive();
    }

    @Test
    @DisplayName("past its network's share of checks in flight no evaluation starts for that /24: the pending action, at once; other networks go on")
    void perNetworkCap() throws Exception {
        ScriptedDns dns = new ScriptedDns(ZONE);
        TransactionChecker transactions = checker(dns);
        int cap = SpfHookConfig.defaults().checks().maxInFlightPerNetwork();
        for (int i = 0; i < cap; i++) {
            // many hosts of one /24, each with its own sender: one share for all of them
            transactions.begin(FakeSessions.session("192.0.2." + (i % 250), "h"), MaybeSender.getMailSender("u" + i + "@held.test"));
        }
        Verdict over = transactions.resolve(transactions.begin(FakeSessions.session("192.0.2.251", "h"),
            MaybeSender.getMailSender("x@held.test")), WAIT);
        assertThat(over.isPending()).isFalse();
        assertThat(over.outcomes().get(0).reason()).isEqualTo(Reason.NOT_STARTED);
        assertThat(over.outcomes().get(0).problem()).contains("more than " + cap + " checks in flight from 192.0.2.0/24");
        assertThat(over.under(ActionPolicy.defaults()).action()).as("the pending action").isEqualTo(ActionPolicy.defaults().pending());
        assertThat(dns.txtQueries.get()).as("one TXT per started check, none for the refused one").isEqualTo(cap);
        // another network is not affected
        Verdict other = decide(transactions, FakeSessions.session("198.51.100.79", "h"), "alice@pass.test");
        assertThat(other.outcomes().get(0).result()).isEqualTo(SpfResult.PASS);
        dns.release.complete(null);
    }

    @Test
    @DisplayName("past a sender domain's share of checks in flight no evaluation starts under it; other domains go on")
    void perDomainCap() throws Exception {
        ScriptedDns dns = new ScriptedDns(ZONE);
        TransactionChecker transactions = checker(dns);
        int cap = SpfHookConfig.defaults().checks().maxInFlightPerDomain();
        for (int i = 0; i < cap; i++) {
            // each from its own network: only the domain's share binds
            transactions.begin(FakeSessions.session("10." + (i / 250) + "." + (i % 250) + ".1", "h"),
                MaybeSender.getMailSender("u" + i + "@x" + i + ".held.test"));
        }
        Verdict over = transactions.resolve(transactions.begin(FakeSessions.session("172.16.0.1", "h"),
            MaybeSender.getMailSender("x@other.held.test")), WAIT);
        assertThat(over.outcomes().get(0).reason()).isEqualTo(Reason.NOT_STARTED);
        assertThat(over.outcomes().get(0).problem()).contains("more than " + cap + " checks in flight under held.test");
        Verdict other = decide(transactions, FakeSessions.session("172.16.0.1", "h"), "alice@pass.test");
        assertThat(other.outcomes().get(0).result()).isEqualTo(SpfResult.PASS);
        dns.release.complete(null);
    }
}
