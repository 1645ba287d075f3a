package org.jamesspf.spf;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jamesspf.spf.dns.DnsAnswer;

/**
 * Runs an {@link Evaluation} without ever blocking a thread. Each step that needs DNS ends by
 * handing the rest of the evaluation (a continuation) to {@link #await}: an answer already there
 * continues at once on the same thread, through the drive loop rather than by recursion; otherwise
 * the evaluation parks (it holds no thread, only this object) and resumes on the engine's executor
 * when the answer or its time budget (RFC 7208 4.6.4) arrives, whichever is first. Only one step runs
 * at any time, so the evaluation's fields need no locks; the executor hand-over orders them.
 */
final class Parking {
    private static final DnsAnswer<?> TIME_UP = DnsAnswer.tempFail("time budget exceeded");

    private final long deadline;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    /** Run each time the evaluation is about to park (it starts fetching ahead the first time). */
    private final Runnable beforeParking;
    /** Run when the evaluation ends: releases what it holds beyond this (its speculative lookups). */
    private final Runnable onEnd;
    private final CompletableFuture<Step> done = new CompletableFuture<>();
    /** The continuation waiting for DNS, if parked; claimed once, by the answer or by the deadline. */
    private final AtomicReference<Parked> parked = new AtomicReference<>();
    private ScheduledFuture<?> deadlineTimer;
    /** The next step of the running drive loop, when an answer was there at once (no recursion). */
    private Runnable next;
    private boolean budgetExceeded;

    /**
     * A parked continuation. The DNS future's callback holds only this, and it is cleared when
     * claimed: a check that ended on its deadline is not kept alive by a late answer.
     */
    private static final class Parked {
        volatile Parking parking;
        volatile Then<DnsAnswer<?>> then;

        Parked(Parking parking, Then<DnsAnswer<?>> then) {
            this.parking = parking;
            this.then = then;
        }
    }

    Parking(long deadline, EngineThreads threads, Runnable beforeParking, Runnable onEnd) {
        this.deadline = deadline;
        this.executor = threads.executor();
        this.scheduler = threads.scheduler();
        this.beforeParking = beforeParking;
        this.onEnd = onEnd;
    }

    /** Runs {@code first} on the calling thread, and what follows; the future completes (normally or not) whatever happens. */
    CompletableFuture<Step> start(Runnable first) {
        drive(first);
        return done;
    }

    /** Whether the time budget ran out (every await since answered temperror). */
    boolean budgetExceeded() {
        return budgetExceeded;
    }

    /** The evaluation's result: what it holds is released, the future completed. */
    void complete(Step step) {
        end();
        done.complete(step);
    }

    /** Runs steps until the evaluation parks or ends; a fault ends it with that fault. */
    private void drive(Runnable first) {
        Runnable step = first;
        try {
            while (step != null) {
                next = null;
                step.run();
                step = next;
            }
        } catch (RuntimeException | Error e) {
            // Completed whatever was thrown: nobody waits forever for a check that broke.
            end();
            done.completeExceptionally(e);
        }
    }

    /**
     * Hands {@code then} the answer of {@code stage}: at once when it is there (through the drive
     * loop, not by recursion), else when it arrives or the check's time budget (RFC 7208 4.6.4)
     * runs out, whichever is first. Must be the last thing its caller does.
     */
    @SuppressWarnings("unchecked")
    <T> void await(CompletionStage<DnsAnswer<T>> stage, Then<DnsAnswer<T>> then) {
        Then<DnsAnswer<?>> resume = answer -> then.accept((DnsAnswer<T>) answer);
        if (budgetExceeded) {
            continueWith(resume, TIME_UP);
            return;
        }
        CompletableFuture<DnsAnswer<T>> future = stage.toCompletableFuture();
        if (future.isDone()) {
            continueWith(resume, answerOf(future));
            return;
        }
        beforeParking.run();
        if (System.nanoTime() - deadline >= 0) {
            budgetExceeded = true;
            continueWith(resume, TIME_UP);
            return;
        }
        Parked p = new Parked(this, resume);
        parked.set(p);
        if (deadlineTimer == null) {
            deadlineTimer = scheduler.schedule(this::deadlineReached, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        future.whenComplete((answer, failure) -> wake(p, answerOf(answer, failure)));
        // the deadline may have passed while parking, before its timer could see this continuation
        if (System.nanoTime() - deadline >= 0 && claim(p)) {
            budgetExceeded = true;
            continueWith(resume, TIME_UP);
        }
    }

    private void continueWith(Then<DnsAnswer<?>> then, DnsAnswer<?> answer) {
        if (next != null) {
            throw new IllegalStateException("two continuations at once: await must end its caller");
        }
        next = () -> then.accept(answer);
    }

    private boolean claim(Parked p) {
        if (!parked.compareAndSet(p, null)) {
            return false;
        }
        p.parking = null;
        p.then = null;
        return true;
    }

    /** An answer arrived (on whatever thread completed it): resume on the engine's executor. */
    private static void wake(Parked p, DnsAnswer<?> answer) {
        Parking parking = p.parking;
        Then<DnsAnswer<?>> then = p.then;
        if (parking == null || !parking.claim(p)) {
            return; // the deadline came first
        }
        parking.resume(then, answer);
    }

    /** The time budget ran out while parked: resume with a temporary failure. */
    private void deadlineReached() {
        Parked p = parked.get();
        if (p == null) {
            return; // running, or done: its next await sees the clock
        }
        Then<DnsAnswer<?>> then = p.then;
        if (claim(p)) {
            budgetExceeded = true;
            resume(then, TIME_UP);
        }
    }

    private void resume(Then<DnsAnswer<?>> then, DnsAnswer<?> answer) {
        try {
            executor.execute(() -> drive(() -> then.accept(answer)));
        } catch (RejectedExecutionException e) {
            // The engine's threads were stopped (the hook is closing): end as temperror.
            complete(Step.of(SpfResult.TEMPERROR, Reason.INTERNAL_ERROR, "", "SPF engine stopped"));
        }
    }

    private static <T> DnsAnswer<T> answerOf(CompletableFuture<DnsAnswer<T>> future) {
        try {
            return answerOf(future.join(), null);
        } catch (RuntimeException e) {
            return answerOf(null, e);
        }
    }

    private static <T> DnsAnswer<T> answerOf(DnsAnswer<T> answer, Throwable failure) {
        if (failure != null) {
            // An adapter that fails its stage instead of answering TEMPFAIL: same meaning.
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            return DnsAnswer.tempFail("DNS adapter failed: " + Text.capped(cause.toString(), 200));
        }
        return answer != null ? answer : DnsAnswer.tempFail("DNS adapter returned no answer");
    }

    /** Releases what the evaluation holds beyond itself: its budget timer, and what {@code onEnd} releases. */
    private void end() {
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
        }
        onEnd.run();
    }
}
