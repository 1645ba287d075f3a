package org.jamesspf.james;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.SpfResult;

/**
 * Runs SPF evaluations without waiting on James's I/O threads. James 3.8.1 calls hooks on Netty
 * event-loop threads and has no asynchronous hook API, so an evaluation that waits on DNS there
 * stalls every connection of that thread. Here the hook starts each evaluation as soon as the
 * identity is known; it runs on the calling thread only until its first DNS wait (CPU work, bounded
 * by design: nothing when the resolver has the answer cached but the evaluation itself), then holds
 * no thread (it is parked until its answer comes) and resumes on the engine's few threads. The hook
 * waits for it at the enforcement point for at most a small bound.
 * <ul>
 *   <li>Concurrent checks of the same request share one evaluation; outcomes are kept
 *       ({@link OutcomeCache}, weighed in bytes, shared by all local parts of a domain when they
 *       did not matter).</li>
 *   <li>Evaluations in flight are capped in all, per client network and per sender registered
 *       domain ({@link FairShare}); new ones per minute per network and per domain ({@link CheckBudget}).
 *       Past a cap or a budget no evaluation starts: the caller applies its pending action.</li>
 *   <li>An evaluation that already outlasted one wait is not waited for again; while
 *       {@value #SLOW_DOMAIN} under a registered domain, or {@value #SLOW_NETWORK} from a client
 *       network, are in that state, the I/O thread does not wait for that domain's or that network's
 *       other checks at all (they get the pending action at once and go on): a slow zone or a slow
 *       network costs a few waits, not one per name, sender or host; one slow check (a lost packet)
 *       marks nobody.</li>
 * </ul>
 */
final class CheckScheduler {
    /** Why a check was not started. */
    enum NotStarted {
        /** A cap on evaluations in flight (in all, for the client's network, for the sender's domain). */
        CAP,
        /** RFC 7208 11.1: the connection's, the network's or the domain's budget of new evaluations is spent. */
        BUDGET
    }

    /** A check: done, in flight, or not started (and why). */
    static final class Ticket {
        final CheckRequest request;
        private final Evaluation evaluation;
        private final NotStarted notStarted;
        private final String why;
        /** Set when its pending or not-run state has been logged: one line per ticket, not per RCPT. */
        private final AtomicBoolean reported = new AtomicBoolean();

        private Ticket(CheckRequest request, Evaluation evaluation, NotStarted notStarted, String why) {
            this.request = request;
            this.evaluation = evaluation;
            this.notStarted = notStarted;
            this.why = why;
        }

        /** Whether its outcome is there already (no wait needed). */
        boolean isReady() {
            return evaluation != null && evaluation.future.isDone();
        }

        /** Why no evaluation was started, if none was. */
        Optional<NotStarted> notStarted() {
            return Optional.ofNullable(notStarted);
        }

        /** What kept it from starting, or from being done in time, for the log ("" when nothing did). */
        String why() {
            return why == null ? "" : why;
        }

        /** True the first time only: whether to log this ticket's pending or not-run state now. */
        boolean firstReport() {
            return reported.compareAndSet(false, true);
        }
    }

    /** One evaluation, shared by every ticket for its request. */
    private final class Evaluation {
        final CompletableFuture<CheckOutcome> future = new CompletableFuture<>();
        final long started;
        final CheckRequest request;
        final FairShare.Place place;
        /** Set when a wait for it ran out: later callers do not wait again. */
        volatile boolean outlastedAWait;
        /** Guarded by this: counted in slowDomains, and finished (no longer counted). */
        boolean countedSlow;
        boolean finished;

        Evaluation(long started, CheckRequest request, FairShare.Place place) {
            this.started = started;
            this.request = request;
            this.place = place;
        }

    }

    private final SpfChecker checker;
    private final SpfMetrics metrics;
    private final CheckLimits limits;
    private final Consumer<CheckOutcome> onEvaluated;
    private final LongSupplier nanoTime;
    private final FairShare fairShare;
    private final CheckBudget budget;
    private final OutcomeCache cache;
    private final ConcurrentHashMap<CheckRequest, Evaluation> inFlight = new ConcurrentHashMap<>();
    /** Evaluations in flight under one registered domain that outlasted a wait, from which its checks are not waited for. */
    static final int SLOW_DOMAIN = 2;
    /** The same from one client network. */
    static final int SLOW_NETWORK = 4;

    /** Registered domains, and client networks, with evaluations in flight that outlasted a wait, and how many. */
    private final ConcurrentHashMap<String, AtomicInteger> slowDomains = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ClientNetworks.Network, AtomicInteger> slowNetworks = new ConcurrentHashMap<>();

    /**
     * @param onEvaluated called with each fresh outcome on the evaluating thread (the INFO line)
     */
    CheckScheduler(SpfChecker checker, CheckLimits limits, Consumer<CheckOutcome> onEvaluated, LongSupplier nanoTime,
                   SpfMetrics metrics) {
        this.checker = Objects.requireNonNull(checker, "checker");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.onEvaluated = Objects.requireNonNull(onEvaluated, "onEvaluated");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.fairShare = new FairShare(limits, new ClientNetworks(limits.networkPrefixV4(), limits.networkPrefixV6()));
        this.budget = new CheckBudget(limits.maxChecksPerNetworkPerMinute(), limits.maxChecksPerDomainPerMinute(), nanoTime);
        Duration longest = limits.cacheTtl().compareTo(limits.dnsFailureTtl()) > 0 ? limits.cacheTtl() : limits.dnsFailureTtl();
        this.cache = new OutcomeCache(limits.cacheKilobytes() * 1024L, longest, nanoTime);
    }

    /** The client network of a request, as fair shares and log limits count it. */
    ClientNetworks.Network network(CheckRequest request) {
        return fairShare.network(request.ip());
    }

    /**
     * Starts (or joins, or finds kept) the evaluation of {@code request}. Never waits.
     * {@code sessionBudget} is asked only when a new evaluation would start (a kept or running one
     * costs no DNS): null to allow it, or why not.
     */
    Ticket start(CheckRequest request, Supplier<String> sessionBudget) {
        CheckOutcome kept = cache.get(request);
        if (kept != null) {
            Evaluation done = new Evaluation(nanoTime.getAsLong(), request, null);
            done.future.complete(kept);
            return new Ticket(request, done, null, null);
        }
        Evaluation running = inFlight.get(request);
        if (running != null) {
            return new Ticket(request, running, null, null);
        }
        StringBuilder why = new StringBuilder();
        Optional<FairShare.Place> place = fairShare.acquire(request, why);
        if (place.isEmpty()) {
            return new Ticket(request, null, NotStarted.CAP, why.toString());
        }
        String overBudget = sessionBudget.get();
        if (overBudget == null) {
            overBudget = budget.spend(place.get().network(), place.get().domain());
        }
        if (overBudget != null) {
            fairShare.release(place.get());
            return new Ticket(request, null, NotStarted.BUDGET, overBudget);
        }
        Evaluation evaluation = new Evaluation(nanoTime.getAsLong(), request, place.get());
        Evaluation raced = inFlight.putIfAbsent(request, evaluation);
        if (raced != null) {
            fairShare.release(place.get());
            return new Ticket(request, raced, null, null);
        }
        evaluate(request, evaluation);
        return new Ticket(request, evaluation, null, null);
    }

    /**
     * Runs the evaluation on the calling thread up to its first wait for DNS (bounded CPU work: an
     * answer the resolver has cached goes on at once, so a check of a known domain costs no thread
     * hand-over at all); it then parks and resumes on the engine's threads, holding none meanwhile.
     */
    private void evaluate(CheckRequest request, Evaluation evaluation) {
        org.apache.james.metrics.api.TimeMetric timer = metrics.checkTimer();
        CompletionStage<CheckOutcome> stage;
        try {
            stage = checker.checkHostAsync(request);
        } catch (RuntimeException | Error e) {
            completed(request, evaluation, null, e);
            return;
        }
        stage.whenComplete((outcome, failure) -> {
            timer.stopAndPublish();
            completed(request, evaluation, outcome, failure);
        });
    }

    /** Whatever happened, the evaluation's future completes: nobody waits for it in vain. */
    private void completed(CheckRequest request, Evaluation evaluation, CheckOutcome outcome, Throwable failure) {
        Throwable fault = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        try {
            if (fault == null) {
                metrics.evaluated(outcome);
                if (outcome.usesLocalPart()) {
                    budget.spentOnLocalPart(fairShare.registeredDomain(request));
                }
                long elapsed = nanoTime.getAsLong() - evaluation.started;
                Duration ttl = ttl(outcome, elapsed);
                if (!ttl.isZero()) {
                    cache.put(request, outcome, ttl.toNanos());
                }
                onEvaluated.accept(outcome);
            }
        } catch (RuntimeException e) {
            // Handed to the waiting hook below, whose one catch treats it as temperror.
            fault = e;
        } finally {
            // No longer joinable before anyone sees it done: a start after this point finds the kept
            // outcome, or (a quick temperror, never kept) evaluates afresh.
            inFlight.remove(request, evaluation);
            fairShare.release(evaluation.place);
            synchronized (evaluation) {
                evaluation.finished = true;
                if (evaluation.countedSlow) {
                    slowDomains.computeIfPresent(evaluation.place.domain(), (d, n) -> n.decrementAndGet() <= 0 ? null : n);
                    slowNetworks.computeIfPresent(evaluation.place.network(), (d, n) -> n.decrementAndGet() <= 0 ? null : n);
                }
            }
        }
        if (fault != null) {
            evaluation.future.completeExceptionally(fault);
        } else {
            evaluation.future.complete(outcome);
        }
    }

    /** Evaluations in flight now. */
    int inFlight() {
        return fairShare.inFlight();
    }

    /**
     * How long an outcome is reused: the cache TTL; a temperror only when it was slow (a query
     * timed out, or the time budget), for the DNS-failure TTL; a quick temperror (SERVFAIL) not at
     * all, so a retry looks again.
     */
    private Duration ttl(CheckOutcome outcome, long elapsedNanos) {
        if (outcome.result() != SpfResult.TEMPERROR) {
            return limits.cacheTtl();
        }
        return elapsedNanos >= limits.slowFailure().toNanos() ? limits.dnsFailureTtl() : Duration.ZERO;
    }

    /**
     * The outcome when it is there within {@code maxWaitNanos}; empty when the check was not
     * started, or is still running (then it is marked: later waits for the same evaluation return
     * at once, even when no time was left to wait for it at all). A fault in the evaluation is
     * rethrown as it was.
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
            if (evaluation.outlastedAWait) {
                return Optional.empty();
            }
            if (maxWaitNanos <= 0) {
                outlasted(evaluation);
                return Optional.empty();
            }
            if (atLeast(slowDomains, evaluation.place.domain(), SLOW_DOMAIN) || atLeast(slowNetworks, evaluation.place.network(), SLOW_NETWORK)) {
                outlasted(evaluation);
                return Optional.empty();
            }
            return Optional.of(future.get(maxWaitNanos, TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            outlasted(evaluation);
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

    /** Not done within a wait: never waited for again, and its domain and network counted as slow while it runs. */
    private void outlasted(Evaluation evaluation) {
        evaluation.outlastedAWait = true;
        synchronized (evaluation) {
            if (!evaluation.finished && !evaluation.countedSlow) {
                evaluation.countedSlow = true;
                increment(slowDomains, evaluation.place.domain());
                increment(slowNetworks, evaluation.place.network());
            }
        }
    }

    private static <K> boolean atLeast(ConcurrentHashMap<K, AtomicInteger> counts, K key, int threshold) {
        if (counts.isEmpty()) {
            return false;
        }
        AtomicInteger count = counts.get(key);
        return count != null && count.get() >= threshold;
    }

    private static <K> void increment(ConcurrentHashMap<K, AtomicInteger> counts, K key) {
        counts.compute(key, (k, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            count.incrementAndGet();
            return count;
        });
    }
}
