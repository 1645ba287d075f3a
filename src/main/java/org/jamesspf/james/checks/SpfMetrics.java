package org.jamesspf.james.checks;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import javax.inject.Inject;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.jamesspf.james.policy.Action;
import org.jamesspf.james.policy.Exemption;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.Identity;
import org.jamesspf.spf.SpfResult;

/**
 * The plugin's metrics, through James's {@link MetricFactory}, so they show wherever James's
 * metrics go (JMX, the WebAdmin metrics endpoint). Names (README "Metrics"):
 * <ul>
 *   <li>{@code spf.decision.<identity>.<result>.<action>}: per decision applied (at MAIL and DATA per
 *       transaction, at RCPT per recipient) and identity checked, its result and the action actually
 *       taken (accept in dry-run);</li>
 *   <li>{@code spf.dryrun.wouldHaveRefused.<identity>.<result>.<action>}: dry-run decisions that
 *       would have refused, by the deciding identity, result and action;</li>
 *   <li>{@code spf.exempt.<kind>} (transactions not held to their result, by exemption: README
 *       "Exemptions"); {@code spf.gateway.read} and {@code spf.gateway.unreadable} (a trusted gateway's
 *       messages whose original client was, or was not, read); {@code spf.budget.exceeded} (checks not
 *       run, RFC 7208 11.1); {@code spf.faults};</li>
 *   <li>at the enforcement point, per identity: {@code spf.pending.ready} (done before it was
 *       reached), {@code spf.pending.answeredInTime} (waited for and done within the bound),
 *       {@code spf.pending.applied} (not done: the pending action given); timer
 *       {@code spf.enforcement.wait} (the I/O thread's wait);</li>
 *   <li>{@code spf.check.time} (timer, per evaluation), {@code spf.dns.lookups} and
 *       {@code spf.dns.voidLookups} (RFC 7208 4.6.4 counters, summed over evaluations),
 *       {@code spf.dns.queries} (queries sent, summed), {@code spf.checks} (evaluations); and
 *       where James's Dropwizard registry is bound (every Guice James), the histogram
 *       {@code spf.dns.queriesPerCheck}.</li>
 * </ul>
 */
public final class SpfMetrics {
    private final MetricFactory factory;
    private volatile IntConsumer queriesPerCheck = n -> { };
    private final ConcurrentHashMap<String, Metric> counters = new ConcurrentHashMap<>();
    /** The decision counters by identity, result and action kind, named once (one per transaction is counted). */
    private final Metric[][][] decisions = new Metric[Identity.values().length][SpfResult.values().length][Action.Kind.values().length];

    @Inject
    public SpfMetrics(MetricFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** Every Guice James binds Dropwizard's registry (James's metrics live there): the histogram of DNS queries per check. */
    @com.google.inject.Inject(optional = true) // javax.inject has no optional injection
    public void setMetricRegistry(MetricRegistry registry) {
        Histogram histogram = registry.histogram("spf.dns.queriesPerCheck");
        this.queriesPerCheck = histogram::update;
    }

    private Metric counter(String name) {
        return counters.computeIfAbsent(name, factory::generate);
    }

    /** Starts the timer of one evaluation. */
    TimeMetric checkTimer() {
        return factory.timer("spf.check.time");
    }

    /** Starts the timer of an I/O thread's wait at an enforcement point. */
    TimeMetric waitTimer() {
        return factory.timer("spf.enforcement.wait");
    }

    void evaluated(CheckOutcome outcome) {
        counter("spf.checks").increment();
        counter("spf.dns.lookups").add(outcome.dnsLookups());
        counter("spf.dns.voidLookups").add(outcome.voidLookups());
        counter("spf.dns.queries").add(outcome.dnsQueries());
        queriesPerCheck.accept(outcome.dnsQueries());
    }

    /** One decision applied: per identity its result and the action taken; in dry-run, the would-have refusal. */
    public void decided(Verdict verdict, Verdict.Decision decision, boolean dryRun) {
        if (verdict.exemption().isPresent()) {
            return;
        }
        Action action = decision.action();
        Action.Kind taken = dryRun ? Action.Kind.ACCEPT : action.kind();
        for (CheckOutcome o : verdict.outcomes()) {
            decision(o.request().identity(), o.result(), taken).increment();
        }
        if (dryRun && action.refuses()) {
            decision.deciding().ifPresent(o -> counter("spf.dryrun.wouldHaveRefused." + o.request().identity().token() + "."
                + o.result().token() + "." + action.token()).increment());
        }
    }

    private Metric decision(Identity identity, SpfResult result, Action.Kind kind) {
        Metric m = decisions[identity.ordinal()][result.ordinal()][kind.ordinal()];
        if (m == null) {
            m = counter("spf.decision." + identity.token() + "." + result.token() + "." + kind.name().toLowerCase(Locale.ROOT));
            decisions[identity.ordinal()][result.ordinal()][kind.ordinal()] = m;
        }
        return m;
    }

    /** A transaction not held to its SPF result, by what exempted it ({@code spf.exempt.forwarder}). */
    void exempt(Exemption.Kind kind) {
        counter("spf.exempt." + kind.token()).increment();
    }

    /** A trusted gateway's message: its original client read from its Received fields, or not. */
    void gateway(boolean read) {
        counter(read ? "spf.gateway.read" : "spf.gateway.unreadable").increment();
    }

    void ready() {
        counter("spf.pending.ready").increment();
    }

    void answeredInTime() {
        counter("spf.pending.answeredInTime").increment();
    }

    void pendingApplied() {
        counter("spf.pending.applied").increment();
    }

    void budgetExceeded() {
        counter("spf.budget.exceeded").increment();
    }

    public void fault() {
        counter("spf.faults").increment();
    }
}
