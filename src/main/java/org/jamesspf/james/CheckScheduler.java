package org.jamesspf.james;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jamesspf.dns.FailFastDns;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.SpfResult;

/**
 * Runs SPF evaluations without waiting on James's I/O threads. James 3.8.1 calls hooks on Netty
 * event-loop threads and has no asynchronous hook API, so an evaluation that waits on DNS there
 * stalls every connection of that thread. Here the hook starts each evaluation as soon as the
 * identity is known; it runs on the calling thread only until its first DNS wait (CPU work, bounded
 * by design: nothing when the resolver has the answer cached but the evaluation itself), then holds
 * no thread (it is parked until its answer comes) and resumes on the engine's few threads. The hook
 * waits for it at the enforcement point for at most a small bound. What is bounded is evaluations in
 * flight ({@code <checks><maxInFlight>}), not threads.
 * <ul>
 *   <li>Concurrent checks of the same request share one evaluation.</li>
 *   <li>Outcomes are kept (bounded, expiring) so a retry is answered at once and consistently; a
 *       temperror only when the evaluation was slow (DNS timeouts), and only briefly.</li>
 *   <li>An evaluation that already outlasted one wait is not waited for again; while one under a
 *       registered domain is in that state, checks of other names under it are waited for a tenth
 *       of the bound only (a stalled zone costs one full wait, not one per name or sender).</li>
 *   <li>Past the per-client or the pool cap, no evaluation starts: the caller applies its pending action.</li>
 * </ul>
 */
final class CheckScheduler {
    /** A started check: done, in flight, or refused (not started because of a cap). */
    static final class Ticket {
        final CheckRequest request;
        private final Evaluation evaluation;
        private final String refusal;
        private final boolean overBudget;

        private Ticket(CheckRequest request, Evaluation evaluation, String refusal) {
            this(request, evaluation, refusal, false);
        }

        private Ticket(CheckRequest request, Evaluation evaluation, String refusal, boolean overBudget) {
            this.request = request;
            this.evaluation = evaluation;
            this.refusal = refusal;
            this.overBudget = overBudget;
        }

        /** Whether its outcome is there already (no wait needed). */
        boolean isReady() {
            return evaluation != null && evaluation.future.isDone();
        }

        /** Refused because the client's check budget is spent (not a cap on checks in progress). */
        boolean overBudget() {
            return overBudget;
        }

        /** Why no evaluation was started (a cap), if so. */
        Optional<String> refusal() {
            return Optional.ofNullable(refusal);
        }
    }

    /** One evaluation, shared by every ticket for its request. */
    private static final class Evaluation {
        final CompletableFuture<CheckOutcome> future = new CompletableFuture<>();
        final long started;
        /** The sender domain; its registered domain is worked out only when a wait for it is needed. */
        private final String domain;
        private volatile String registeredDomain;
        /** Set when a wait for it ran out: later callers do not wait again. */
        volatile boolean outlastedAWait;
        /** Guarded by this: counted in slowDomains, and finished (no longer counted). */
        boolean countedSlow;
        boolean finished;

        Evaluation(long started, String domain) {
            this.started = started;
            this.domain = domain;
        }

        String registeredDomain() {
            String r = registeredDomain;
            if (r == null) {
                r = FailFastDns.registeredDomain(domain);
                registeredDomain = r;
            }
            return r;
        }
    }

    private final SpfChecker checker;
    private final SpfMetrics metrics;
    private final SpfHookConfig.Checks limits;
    private final Consumer<CheckOutcome> onEvaluated;
    private final LongSupplier nanoTime;
    private final AtomicInteger inFlightCount = new AtomicInteger();
    private final ConcurrentHashMap<CheckRequest, Evaluation> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<IpAddress, AtomicInteger> inFlightByClient = new ConcurrentHashMap<>();
    /** Registered domains with an evaluation in flight that outlasted a wait, and how many. */
    private final ConcurrentHashMap<String, AtomicInteger> slowDomains = new ConcurrentHashMap<>();
    private final OutcomeCache cache;

    /**
     * @param onEvaluated called with each fresh outcome on the evaluating thread (the INFO line)
     */
    CheckScheduler(SpfChecker checker, SpfHookConfig.Checks limits, Consumer<CheckOutcome> onEvaluated,
                   LongSupplier nanoTime, SpfMetrics metrics) {
        this.checker = Objects.requireNonNull(checker, "checker");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.onEvaluated = Objects.requireNonNull(onEvaluated, "onEvaluated");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.cache = new OutcomeCache(limits.cacheSize(), nanoTime);
    }

    /**
     * As above; {@code budget} is asked only when a new evaluation would start (a kept or running
     * one costs no DNS): it returns null to allow it, or why not (the check is then refused).
     */
    Ticket start(CheckRequest request, java.util.function.Supplier<String> budget) {
        CheckOutcome cached = cache.get(request);
        if (cached != null) {
            Evaluation done = new Evaluation(nanoTime.getAsLong(), "");
            done.future.complete(cached);
            return new Ticket(request, done, null);
        }
        Evaluation running = inFlight.get(request);
        if (running != null) {
            return new Ticket(request, running, null);
        }
        String overBudget = budget.get();
        if (overBudget != null) {
            return new Ticket(request, null, overBudget, true);
        }
        AtomicInteger perClient = inFlightByClient.computeIfAbsent(request.ip(), ip -> new AtomicInteger());
        if (perClient.incrementAndGet() > limits.maxPendingPerClient()) {
            release(request.ip(), perClient);
            return new Ticket(request, null, "more than " + limits.maxPendingPerClient() + " checks in progress for "
                + request.ip());
        }
        if (inFlightCount.incrementAndGet() > limits.maxInFlight()) {
            inFlightCount.decrementAndGet();
            release(request.ip(), perClient);
            return new Ticket(request, null, "more than " + limits.maxInFlight() + " checks in flight");
        }
        Evaluation evaluation = new Evaluation(nanoTime.getAsLong(), request.domain());
        Evaluation raced = inFlight.putIfAbsent(request, evaluation);
        if (raced != null) {
            inFlightCount.decrementAndGet();
            release(request.ip(), perClient);
            return new Ticket(request, raced, null);
        }
        evaluate(request, evaluation, perClient);
        return new Ticket(request, evaluation, null);
    }

    /**
     * Runs the evaluation on the calling thread up to its first wait for DNS (bounded CPU work: an
     * answer the resolver has cached goes on at once, so a check of a known domain costs no thread
     * hand-over at all); it then parks and resumes on the engine's threads, holding none meanwhile.
     */
    private void evaluate(CheckRequest request, Evaluation evaluation, AtomicInteger perClient) {
        org.apache.james.metrics.api.TimeMetric timer = metrics.checkTimer();
        CompletionStage<CheckOutcome> stage;
        try {
            stage = checker.checkHostAsync(request);
        } catch (RuntimeException | Error e) {
            completed(request, evaluation, perClient, null, e);
            return;
        }
        stage.whenComplete((outcome, failure) -> {
            timer.stopAndPublish();
            completed(request, evaluation, perClient, outcome, failure);
        });
    }

    /** Whatever happened, the evaluation's future completes: nobody waits for it in vain. */
    private void completed(CheckRequest request, Evaluation evaluation, AtomicInteger perClient, CheckOutcome outcome, Throwable failure) {
        try {
            if (failure == null) {
                metrics.evaluated(outcome);
                long elapsed = nanoTime.getAsLong() - evaluation.started;
                Duration ttl = ttl(outcome, elapsed);
                if (!ttl.isZero()) {
                    cache.put(request, outcome.withoutTrace(), ttl.toNanos());
                }
                onEvaluated.accept(outcome);
            }
        } catch (RuntimeException e) {
            // Handed to the waiting hook below, whose one catch treats it as temperror.
            failure = e;
        } finally {
            // No longer joinable before anyone sees it done: a start after this point finds the kept
            // outcome, or (a quick temperror, never kept) evaluates afresh.
            inFlight.remove(request, evaluation);
            inFlightCount.decrementAndGet();
            release(request.ip(), perClient);
            synchronized (evaluation) {
                evaluation.finished = true;
                if (evaluation.countedSlow) {
                    AtomicInteger slow = slowDomains.get(evaluation.registeredDomain());
                    if (slow != null && slow.decrementAndGet() <= 0) {
                        slowDomains.remove(evaluation.registeredDomain(), slow);
                    }
                }
            }
        }
        if (failure != null) {
            evaluation.future.completeExceptionally(failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure);
        } else {
            evaluation.future.complete(outcome);
        }
    }

    /** Evaluations in flight now. */
    int inFlight() {
        return inFlightCount.get();
    }

    /**
     * How long an outcome is reused: the cache TTL; a temperror only when it was slow (timeouts, the
     * time budget), for the DNS-failure TTL; a quick temperror (SERVFAIL) not at all, so a retry
     * looks again.
     */
    private Duration ttl(CheckOutcome outcome, long elapsedNanos) {
        if (outcome.result() != SpfResult.TEMPERROR) {
            return limits.cacheTtl();
        }
        return elapsedNanos >= limits.maxWait().toNanos() ? limits.dnsFailureTtl() : Duration.ZERO;
    }

    private void release(IpAddress ip, AtomicInteger perClient) {
        if (perClient.decrementAndGet() <= 0) {
            inFlightByClient.remove(ip, perClient);
        }
    }

    /**
     * The outcome when it is there within {@code maxWaitNanos}; empty when the check was refused,
     * or is still running (then later waits for the same evaluation return at once). A fault in
     * the evaluation is rethrown as it was.
     */
    Optional<CheckOutcome> await(Ticket ticket, long maxWaitNanos) {
        Evaluation evaluation = ticket.evaluation;
        if (evaluation == null) {
            return Optional.empty();
        }
        CompletableFuture<CheckOutcome> future = evaluation.future;
        try {
            if (future.isDone()) {
                return Optional.of(future.get());
            }
            if (evaluation.outlastedAWait || maxWaitNanos <= 0) {
                return Optional.empty();
            }
            long wait = !slowDomains.isEmpty() && slowDomains.containsKey(evaluation.registeredDomain()) ? Math.min(maxWaitNanos, limits.maxWait().toNanos() / 10)
                : maxWaitNanos;
            return Optional.of(future.get(wait, TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            evaluation.outlastedAWait = true;
            synchronized (evaluation) {
                if (!evaluation.finished && !evaluation.countedSlow) {
                    evaluation.countedSlow = true;
                    slowDomains.compute(evaluation.registeredDomain(), (d, n) -> {
                        AtomicInteger count = n == null ? new AtomicInteger() : n;
                        count.incrementAndGet();
                        return count;
                    });
                }
            }
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Outcomes by request, bounded in count, each with its own expiry; least recently used goes first. */
    static final class OutcomeCache {
        private final int capacity;
        private final LongSupplier nanoTime;
        private final LinkedHashMap<CheckRequest, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);

        private static final class Entry {
            final CheckOutcome outcome;
            final long expires;

            Entry(CheckOutcome outcome, long expires) {
                this.outcome = outcome;
                this.expires = expires;
            }
        }

        OutcomeCache(int capacity, LongSupplier nanoTime) {
            this.capacity = capacity;
            this.nanoTime = nanoTime;
        }

        synchronized CheckOutcome get(CheckRequest request) {
            Entry e = entries.get(request);
            if (e == null) {
                return null;
            }
            if (nanoTime.getAsLong() - e.expires >= 0) {
                entries.remove(request);
                return null;
            }
            return e.outcome;
        }

        synchronized void put(CheckRequest request, CheckOutcome outcome, long ttlNanos) {
            if (capacity == 0) {
                return;
            }
            entries.put(request, new Entry(outcome, nanoTime.getAsLong() + ttlNanos));
            if (entries.size() > capacity) {
                Iterator<Map.Entry<CheckRequest, Entry>> eldest = entries.entrySet().iterator();
                eldest.next();
                eldest.remove();
            }
        }

        synchronized int size() {
            return entries.size();
        }
    }
}
