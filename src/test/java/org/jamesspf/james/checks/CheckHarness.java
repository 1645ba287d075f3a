package org.jamesspf.james.checks;

import java.util.List;
import org.apache.james.metrics.api.MetricFactory;
import org.jamesspf.james.config.SpfHookConfig;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.dns.SpfDns;

/** The checks' parts over a resolver of the test's choosing, as {@link SpfChecks} wires them over James's DNS. */
final class CheckHarness {
    static final String RECEIVER = "mx.receiver.test";

    final SpfHookConfig config;
    final CheckScheduler scheduler;
    final TransactionChecks starts;
    final VerdictResolver verdicts;

    CheckHarness(SpfHookConfig config, SpfDns dns, MetricFactory metricFactory) {
        this.config = config;
        SpfMetrics metrics = new SpfMetrics(metricFactory);
        this.scheduler = new CheckScheduler(SpfChecker.builder(dns).build(), config.checks(), new EvaluationLog(config)::evaluated,
            System::nanoTime, metrics);
        this.starts = new TransactionChecks(config, scheduler, metrics);
        this.verdicts = new VerdictResolver(config, scheduler, metrics, System::nanoTime);
    }

    /** A transaction on a connection of its own; {@code sender} "" for the null sender. */
    Transaction transaction(String ip, String helo, String sender) {
        return transaction(ip, helo, sender, new SessionBudget(config.checks().maxChecksPerSession()));
    }

    static Transaction transaction(String ip, String helo, String sender, SessionBudget budget) {
        return new Transaction(IpAddress.parse(ip), helo, sender, sender.substring(sender.indexOf('@') + 1), RECEIVER, false, false,
            budget);
    }

    PendingChecks begin(String ip, String helo, String sender) {
        return starts.begin(transaction(ip, helo, sender));
    }

    Verdict resolve(PendingChecks pending, long maxWaitNanos) {
        return verdicts.resolve(pending, maxWaitNanos);
    }

    Verdict decide(String ip, String helo, String sender, long maxWaitNanos) {
        return resolve(begin(ip, helo, sender), maxWaitNanos);
    }

    PendingChecks atMessage(PendingChecks gatewayPending, List<String> received) {
        return starts.atMessage(gatewayPending, received);
    }

    /**
     * Until every check of {@code pending} is done: a wait spent at an enforcement point marks its
     * checks, so the next one takes what is there. A hang guard of 10 s, not a timing.
     */
    static void awaitDone(PendingChecks pending) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && !(pending.tickets.stream().allMatch(t -> t.isReady() || t.notStarted().isPresent())
            && pending.claimTickets.stream().allMatch(t -> t.isReady() || t.notStarted().isPresent()))) {
            Thread.sleep(5);
        }
    }
}
