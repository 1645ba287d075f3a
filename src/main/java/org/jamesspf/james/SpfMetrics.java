package org.jamesspf.james;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.jamesspf.spf.CheckOutcome;

/**
 * The plugin's metrics, through James's {@link MetricFactory}, so they show wherever James's
 * metrics go (JMX, the WebAdmin metrics endpoint). Names (README "Metrics"):
 * <ul>
 *   <li>{@code spf.decision.<identity>.<result>.<action>}: per identity checked in a transaction, its
 *       result and the action actually taken (accept in dry-run);</li>
 *   <li>{@code spf.dryrun.wouldHaveRefused.<identity>.<result>.<action>}: dry-run transactions that
 *       would have been refused, by the deciding identity, result and action;</li>
 *   <li>{@code spf.skipped.<reason>}; {@code spf.pending.applied} (the pending action given);
 *       {@code spf.budget.exceeded} (checks not run, RFC 7208 11.1); {@code spf.faults};</li>
 *   <li>{@code spf.check.time} (timer, per evaluation), {@code spf.dns.lookups} and
 *       {@code spf.dns.voidLookups} (RFC 7208 4.6.4 counters, summed over evaluations),
 *       {@code spf.checks} (evaluations).</li>
 * </ul>
 */
final class SpfMetrics {
    private final MetricFactory factory;
    private final ConcurrentHashMap<String, Metric> counters = new ConcurrentHashMap<>();

    SpfMetrics(MetricFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    private Metric counter(String name) {
        return counters.computeIfAbsent(name, factory::generate);
    }

    /** Starts the timer of one evaluation. */
    TimeMetric checkTimer() {
        return factory.timer("spf.check.time");
    }

    void evaluated(CheckOutcome outcome) {
        counter("spf.checks").increment();
        counter("spf.dns.lookups").add(outcome.dnsLookups());
        counter("spf.dns.voidLookups").add(outcome.voidLookups());
    }

    /** A transaction's final verdict: one decision per identity; in dry-run, the would-have refusal. */
    void decided(Verdict verdict, boolean dryRun) {
        if (verdict.skipReason().isPresent()) {
            return;
        }
        String taken = dryRun ? Action.accept().token() : verdict.action().token();
        for (CheckOutcome o : verdict.outcomes()) {
            counter("spf.decision." + o.request().identity().token() + "." + o.result().token() + "." + taken).increment();
        }
        if (dryRun && verdict.action().refuses()) {
            verdict.deciding().ifPresent(o -> counter("spf.dryrun.wouldHaveRefused." + o.request().identity().token() + "."
                + o.result().token() + "." + verdict.action().token()).increment());
        }
    }

    void skipped(String reason) {
        counter("spf.skipped." + reason.toLowerCase(Locale.ROOT)).increment();
    }

    void pendingApplied() {
        counter("spf.pending.applied").increment();
    }

    void budgetExceeded() {
        counter("spf.budget.exceeded").increment();
    }

    void fault() {
        counter("spf.faults").increment();
    }
}
