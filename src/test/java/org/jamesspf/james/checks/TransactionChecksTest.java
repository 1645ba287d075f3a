package org.jamesspf.james.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.jamesspf.james.config.SpfHookConfig;
import org.jamesspf.james.policy.Action;
import org.jamesspf.james.policy.ActionPolicy;
import org.jamesspf.james.policy.Enforcement;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.SpfResult;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.InMemoryZone;
import org.jamesspf.spf.dns.SpfDns;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A transaction's checks: reuse of outcomes, waits and pending verdicts, the caps per network and domain, faults. */
class TransactionChecksTest {
    private static final ActionPolicy DEFAULT_ACTIONS = ActionPolicy.defaults();
    /** A resolver that counts TXT queries and answers them from a zone, throws, or holds names until released. */
    public static final class ScriptedDns implements SpfDns {
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

    private static CheckHarness checks(ScriptedDns dns) {
        return new CheckHarness(SpfHookConfig.defaults(), dns, new RecordingMetricFactory());
    }

    @Test
    @DisplayName("a resolver that throws fails the check: the fault reaches the hook (whose one catch makes it temperror)")
    void resolverFault() {
        ScriptedDns dns = new ScriptedDns(ZONE);
        dns.explode = true;
        CheckHarness checks = checks(dns);
        assertThatThrownBy(() -> checks.decide("192.0.2.77", "helo.pass.test", "alice@pass.test", WAIT))
            .isInstanceOf(IllegalStateException.class).hasMessage("resolver bug");
    }

    @Test
    @DisplayName("an outcome is reused on a retry, but a quick temperror (SERVFAIL) is looked up again")
    void temperrorIsNotReused() throws Exception {
        ScriptedDns dns = new ScriptedDns(ZONE);
        CheckHarness checks = checks(dns);
        checks.decide("192.0.2.77", "h", "alice@pass.test", WAIT);
        checks.decide("192.0.2.77", "h", "alice@pass.test", WAIT);
        assertThat(dns.txtQueries.get()).as("pass reused").isEqualTo(1);
        Verdict first = checks.decide("192.0.2.77", "h", "bob@temperror.test", WAIT);
        assertThat(first.outcomes()).extracting(CheckOutcome::result).isEqualTo(List.of(SpfResult.TEMPERROR));
        checks.decide("192.0.2.77", "h", "bob@temperror.test", WAIT);
        assertThat(dns.txtQueries.get()).as("temperror looked up again").isEqualTo(3);
    }

    @Test
    @DisplayName("a check not done within the wait gets the pending action (451), later waits return at once, the outcome comes later")
    void pendingCheck() throws Exception {
        ScriptedDns dns = new ScriptedDns(ZONE);
        CheckHarness checks = checks(dns);
        PendingChecks pending = checks.begin("192.0.2.77", "h", "alice@held.test");
        Verdict first = checks.resolve(pending, Duration.ofMillis(50).toNanos());
        assertThat(first.isPending()).isTrue();
        assertThat(first.under(DEFAULT_ACTIONS).action().kind()).isEqualTo(Action.Kind.DEFER);
        Enforcement.Reply reply = Enforcement.reply(first.under(DEFAULT_ACTIONS)).orElseThrow();
        assertThat(reply.code()).isEqualTo("451");
        assertThat(reply.text()).isEqualTo("4.7.24 SPF check of MAIL FROM held.test still in progress, try again later");
        assertThat(first.outcomes().get(0).problem()).isEqualTo(VerdictResolver.PENDING_PROBLEM);
        // a retry of the same check joins the running evaluation and does not wait again
        PendingChecks retry = checks.begin("192.0.2.77", "h", "alice@held.test");
        long before = System.nanoTime();
        assertThat(checks.resolve(retry, WAIT).isPending()).isTrue();
        assertThat(System.nanoTime() - before).as("no second wait").isLessThan(WAIT / 2);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (dns.txtQueries.get() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5); // a hang guard: the evaluation's thread asks its TXT when it runs
        }
        assertThat(dns.txtQueries.get()).as("one evaluation shared").isEqualTo(1);
        dns.release.complete(null);
        // once done, the outcome is kept: the next retry is answered from it
        CheckHarness.awaitDone(pending);
        Verdict done = checks.decide("192.0.2.77", "h", "alice@held.test", WAIT);
        assertThat(done.isPending()).isFalse();
        assertThat(done.outcomes().get(0).result()).isEqualTo(SpfResult.PASS);
        assertThat(dns.txtQueries.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("past its network's share of checks in flight no evaluation starts for that /24: the pending action, at once; other networks go on")
    void perNetworkCap() throws Exception {
        ScriptedDns dns = new ScriptedDns(ZONE);
        CheckHarness checks = checks(dns);
        int cap = SpfHookConfig.defaults().checks().maxInFlightPerNetwork();
        for (int i = 0; i < cap; i++) {
            // many hosts of one /24, each with its own sender: one share for all of them
            checks.begin("192.0.2." + (i % 250), "h", "u" + i + "@held.test");
        }
        Verdict over = checks.decide("192.0.2.251", "h", "x@held.test", WAIT);
        assertThat(over.isPending()).isFalse();
        assertThat(over.outcomes().get(0).reason()).isEqualTo(Reason.NOT_STARTED);
        assertThat(over.outcomes().get(0).problem()).contains("more than " + cap + " checks in flight from 192.0.2.0/24");
        assertThat(over.under(ActionPolicy.defaults()).action()).as("the pending action").isEqualTo(ActionPolicy.defaults().pending());
        assertThat(dns.txtQueries.get()).as("one TXT per started check, none for the refused one").isEqualTo(cap);
        // another network is not affected
        Verdict other = checks.decide("198.51.100.79", "h", "alice@pass.test", WAIT);
        assertThat(other.outcomes().get(0).result()).isEqualTo(SpfResult.PASS);
        dns.release.complete(null);
    }

    @Test
    @DisplayName("past a sender domain's share of checks in flight no evaluation starts under it; other domains go on")
    void perDomainCap() throws Exception {
        ScriptedDns dns = new ScriptedDns(ZONE);
        CheckHarness checks = checks(dns);
        int cap = SpfHookConfig.defaults().checks().maxInFlightPerDomain();
        for (int i = 0; i < cap; i++) {
            // each from its own network: only the domain's share binds
            checks.begin("10." + (i / 250) + "." + (i % 250) + ".1", "h", "u" + i + "@x" + i + ".held.test");
        }
        Verdict over = checks.decide("172.16.0.1", "h", "x@other.held.test", WAIT);
        assertThat(over.outcomes().get(0).reason()).isEqualTo(Reason.NOT_STARTED);
        assertThat(over.outcomes().get(0).problem()).contains("more than " + cap + " checks in flight under held.test");
        Verdict other = checks.decide("172.16.0.1", "h", "alice@pass.test", WAIT);
        assertThat(other.outcomes().get(0).result()).isEqualTo(SpfResult.PASS);
        dns.release.complete(null);
    }

    @Test
    @DisplayName("one I/O thread at a time waits for checks of networks and domains with a check that outlasted a wait; others wait as before")
    void oneWaitAtATimeForSuspects() throws Exception {
        ScriptedDns dns = new ScriptedDns(ZONE);
        CheckHarness checks = checks(dns);
        // one check of 192.0.2.0/24 outlasts its wait: that network is suspect (not yet slow: one such check)
        assertThat(checks.decide("192.0.2.1", "h", "u@held.a.test", Duration.ofMillis(20).toNanos()).isPending()).isTrue();
        // an I/O thread waits for another check of that network
        java.util.concurrent.CompletableFuture<Verdict> waiting = new java.util.concurrent.CompletableFuture<>();
        Thread waiter = new Thread(() -> waiting.complete(checks.decide("192.0.2.2", "h", "u@held.b.test", WAIT)), "io-thread");
        waiter.start();
        long guard = System.nanoTime() + WAIT;
        while (waiter.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < guard) {
            Thread.sleep(1); // until it is parked in its bounded wait, holding the one suspect wait
        }
        assertThat(waiter.getState()).isEqualTo(Thread.State.TIMED_WAITING);
        // a second one does not wait: the pending action at once
        long before = System.nanoTime();
        Verdict second = checks.decide("192.0.2.3", "h", "u@held.c.test", WAIT);
        assertThat(second.isPending()).isTrue();
        assertThat(System.nanoTime() - before).as("not a second wait").isLessThan(WAIT / 2);
        // a network and domain with no such check are waited for as before
        assertThat(checks.decide("198.51.100.7", "h", "alice@pass.test", WAIT).outcomes().get(0).result()).isEqualTo(SpfResult.PASS);
        assertThat(waiting.isDone()).as("the first waiter still waits").isFalse();
        dns.release.complete(null);
        Verdict waited = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(waited.isPending()).as("the one that waited got its outcome").isFalse();
        assertThat(waited.outcomes().get(0).result()).isEqualTo(SpfResult.PASS);
    }
}
