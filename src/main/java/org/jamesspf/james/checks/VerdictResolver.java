package org.jamesspf.james.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.james.metrics.api.TimeMetric;
import org.jamesspf.james.config.SpfHookConfig;
import org.jamesspf.james.policy.Exemption;
import org.jamesspf.james.policy.GatewayOrigin;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.james.text.Sanitizer;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.SpfResult;

/**
 * Turns a transaction's {@link PendingChecks} into a {@link Verdict} at an enforcement point, waiting
 * at most the wait bound in all. A check still running is pending (its policy's pending action
 * applies, and the verdict is to be resolved again later); one never started (a cap, the budget) is
 * not run: the pending action too, never a refusal for a check not made. Each ticket's pending or
 * not-run state is logged once, and at most one such line per client network and minute (the next
 * says how many were held back); each exemption once per transaction.
 */
final class VerdictResolver {
    /** The problem text of an identity whose check was not done in time. */
    static final String PENDING_PROBLEM = "SPF check still in progress";

    private final SpfHookConfig config;
    private final CheckScheduler scheduler;
    private final SpfMetrics metrics;
    private final LogLimiter pendingLines;
    private final LogLimiter notRunLines;

    VerdictResolver(SpfHookConfig config, CheckScheduler scheduler, SpfMetrics metrics, LongSupplier nanoTime) {
        this.config = config;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.pendingLines = new LogLimiter(nanoTime);
        this.notRunLines = new LogLimiter(nanoTime);
    }

    Verdict resolve(PendingChecks pending, long maxWaitNanos) {
        if (pending.awaitsMessage()) {
            throw new IllegalStateException("a gateway's transaction is resolved at the end of DATA");
        }
        if (pending.exemption.isPresent()) {
            return exempt(pending, pending.exemption.get());
        }
        Optional<GatewayOrigin> gateway = pending.gateway;
        if (gateway.isPresent() && gateway.get().client().isEmpty()) {
            // a gateway's message whose client could not be read, and temperror configured for it
            return Verdict.of(List.of(CheckOutcome.of(pending.subject, SpfResult.TEMPERROR, Reason.GATEWAY_UNREADABLE,
                "the client the gateway recorded cannot be read: " + gateway.get().why()))).viaGateway(gateway.get());
        }
        TimeMetric waited = metrics.waitTimer();
        long deadline = System.nanoTime() + maxWaitNanos;
        // RFC 7208 leaves local policy to the receiver: a verified exemption (a pass of one of its checks) wins
        boolean verifying = false;
        for (int i = 0; i < pending.claimTickets.size(); i++) {
            Ticket ticket = pending.claimTickets.get(i);
            Optional<CheckOutcome> verified = scheduler.await(ticket, deadline - System.nanoTime());
            if (verified.isPresent() && verified.get().result() == SpfResult.PASS) {
                waited.stopAndPublish();
                return exempt(pending, pending.claims.get(i).exemption());
            }
            verifying |= verified.isEmpty() && ticket.notStarted().isEmpty();
        }
        List<CheckOutcome> outcomes = new ArrayList<>(2);
        List<Verdict.State> states = new ArrayList<>(2);
        for (Ticket ticket : pending.tickets) {
            outcomes.add(outcome(ticket, deadline, states));
        }
        waited.stopAndPublish();
        Verdict verdict = Verdict.of(outcomes, states);
        if (gateway.isPresent()) {
            verdict = verdict.viaGateway(gateway.get());
        }
        return verifying ? verdict.withExemptionPending() : verdict;
    }

    /** One identity's outcome by the deadline: done, not run (why), or still pending (temperror, said so). */
    private CheckOutcome outcome(Ticket ticket, long deadline, List<Verdict.State> states) {
        boolean readyBefore = ticket.isReady();
        Optional<CheckOutcome> done = scheduler.await(ticket, deadline - System.nanoTime());
        CheckRequest q = ticket.request;
        if (done.isPresent()) {
            states.add(Verdict.State.DONE);
            if (readyBefore) {
                metrics.ready();
            } else {
                metrics.answeredInTime();
            }
            return done.get();
        }
        if (ticket.notStarted().isPresent()) {
            boolean budget = ticket.notStarted().get() == Ticket.NotStarted.BUDGET;
            states.add(Verdict.State.NOT_RUN);
            if (budget) {
                metrics.budgetExceeded();
            } else {
                metrics.pendingApplied();
            }
            report(ticket, notRunLines, "SPF check not run");
            return CheckOutcome.of(q, SpfResult.TEMPERROR, budget ? Reason.BUDGET_EXCEEDED : Reason.NOT_STARTED,
                "check not run: " + ticket.why());
        }
        // Headers written now say temperror for this identity, with why.
        states.add(Verdict.State.PENDING);
        metrics.pendingApplied();
        report(ticket, pendingLines, "SPF check pending");
        return CheckOutcome.of(q, SpfResult.TEMPERROR, Reason.NOT_DONE_IN_TIME, PENDING_PROBLEM);
    }

    /** The exempt verdict, its line and metric once per transaction. */
    private Verdict exempt(PendingChecks pending, Exemption exemption) {
        if (pending.reported.compareAndSet(false, true)) {
            CheckRequest q = pending.subject;
            EvaluationLog.LOGGER.info("SPF exempt ip={} helo={} sender={} exemption={} detail={}", q.ip(), Sanitizer.log(q.helo()),
                Sanitizer.log(q.sender()), exemption.kind().token(), Sanitizer.log(exemption.detail()));
            metrics.exempt(exemption.kind());
        }
        Verdict verdict = Verdict.exempt(exemption, pending.subject);
        return pending.gateway.map(verdict::viaGateway).orElse(verdict);
    }

    /** The ticket's one line, when its client network has not had one this minute. */
    private void report(Ticket ticket, LogLimiter limiter, String what) {
        if (!ticket.firstReport()) {
            return;
        }
        CheckRequest q = ticket.request;
        ClientNetworks.Network network = scheduler.network(q);
        int heldBack = limiter.permit(network);
        if (heldBack < 0) {
            return;
        }
        EvaluationLog.LOGGER.info("{} {} why={}{}", what, EvaluationLog.describe(q),
            ticket.why().isEmpty() ? "not done within " + config.checks().maxWait().toMillis() + " ms" : ticket.why(),
            heldBack > 0 ? " (" + heldBack + " more such lines from " + network + " held back in the last minute)" : "");
    }
}
