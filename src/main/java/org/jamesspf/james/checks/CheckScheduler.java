package org.jamesspf.james.checks;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jamesspf.james.config.CheckLimits;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.SpfChecker;

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
 *   <li>An evaluation that already outlasted one wait is not waited for again, a domain or a
 *       network with several such is not waited for at all, and one with any such by one I/O thread
 *       at a time ({@link SlowChecks}).</li>
 * </ul>
 */
final class CheckScheduler {
    /** One evaluation, shared by every ticket for its request. */
    static final class Evaluation {
        final CompletableFuture<CheckOutcome> future = new CompletableFuture<>();
        final long started;
        final CheckRequest request;
        final FairShare.Place place;
        /** Set when a wait for it ran out: later callers do not wait again. */
        volatile boolean outlastedAWait;
        /** Guarded by this: counted in {@link SlowChecks}, and finished (no longer counted). */
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
    private final Consumer<CheckOutcome> onEvaluated;
    private final LongSupplier nanoTime;
    private final FairShare fairShare;
    private final CheckBudget budget;
    private final OutcomeCache cache;
    private final SlowChecks slow = new SlowChecks();
    private final ConcurrentHashMap<CheckRequest, Evaluation> inFlight = new ConcurrentHashMap<>();

    /**
     * @param onEvaluated called with each fresh outcome on the evaluating thread (the INFO line)
     */
    CheckScheduler(SpfChecker checker, CheckLimits limits, Consumer<CheckOutcome> onEvaluated, LongSupplier nanoTime,
                   SpfMetrics metrics) {
        this.checker = Objects.requireNonNull(checker, "checker");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(limits, "limits");
        this.onEvaluated = Objects.requireNonNull(onEvaluated, "onEvaluated");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.fairShare = new FairShare(limits, new ClientNetworks(limits.networkPrefixV4(), limits.networkPrefixV6()));
        this.budget = new CheckBudget(limits.maxChecksPerNetworkPerMinute(), limits.maxChecksPerDomainPerMinute(), nanoTime);
        this.cache = new OutcomeCache(limits, nanoTime);
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
            return Ticket.of(request, done);
        }
        Evaluation running = inFlight.get(request);
        if (running != null) {
            return Ticket.of(request, running);
        }
        StringBuilder why = new StringBuilder();
        Optional<FairShare.Place> place = fairShare.acquire(request, why);
        if (place.isEmpty()) {
            return Ticket.notStarted(request, Ticket.NotStarted.CAP, why.toString());
        }
        String overBudget = sessionBudget.get();
        if (overBudget == null) {
            overBudget = budget.spend(place.get().network(), place.get().domain());
        }
        if (overBudget != null) {
            fairShare.release(place.get());
            return Ticket.notStarted(request, Ticket.NotStarted.BUDGET, overBudget);
        }
        Evaluation evaluation = new Evaluation(nanoTime.getAsLong(), request, place.get());
        Evaluation raced = inFlight.putIfAbsent(request, evaluation);
        if (raced != null) {
            fairShare.release(place.get());
            return Ticket.of(request, raced);
        }
        evaluate(request, evaluation);
        return Ticket.of(request, evaluation);
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
                cache.put(request, outcome, nanoTime.getAsLong() - evaluation.started);
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
                    slow.finished(evaluation.place);
                }
            }
        }
        if (fault != null) {
            evaluation.future.completeExceptionally(fault);
        } else {
            evaluation.future.complete(outcome);
        }
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
            if (slow.isSlow(evaluation.place)) {
                outlasted(evaluation);
                return Optional.empty();
            }
            if (!slow.isSuspect(evaluation.place)) {
                return Optional.of(future.get(maxWaitNanos, TimeUnit.NANOSECONDS));
            }
            if (!slow.trySuspectWait()) {
                // another I/O thread is already waiting for a suspect's check: not two of them
                outlasted(evaluation);
                return Optional.empty();
            }
            try {
                return Optional.of(future.get(maxWaitNanos, TimeUnit.NANOSECONDS));
            } finally {
                slow.suspectWaitDone();
            }
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
                slow.outlasted(evaluation.place);
            }
        }
    }
}
