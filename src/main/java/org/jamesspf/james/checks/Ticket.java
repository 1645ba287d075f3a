package org.jamesspf.james.checks;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;

/** A check asked of the {@link CheckScheduler}: done, in flight, or not started (and why). */
final class Ticket {
    /** Why a check was not started. */
    enum NotStarted {
        /** A cap on evaluations in flight (in all, for the client's network, for the sender's domain). */
        CAP,
        /** RFC 7208 11.1: the connection's, the network's or the domain's budget of new evaluations is spent. */
        BUDGET
    }

    final CheckRequest request;
    /** The shared evaluation, null when none was started. */
    final CheckScheduler.Evaluation evaluation;
    private final NotStarted notStarted;
    private final String why;
    /** Set when its pending or not-run state has been logged: one line per ticket, not per RCPT. */
    private final AtomicBoolean reported = new AtomicBoolean();

    private Ticket(CheckRequest request, CheckScheduler.Evaluation evaluation, NotStarted notStarted, String why) {
        this.request = request;
        this.evaluation = evaluation;
        this.notStarted = notStarted;
        this.why = why;
    }

    static Ticket of(CheckRequest request, CheckScheduler.Evaluation evaluation) {
        return new Ticket(request, evaluation, null, null);
    }

    static Ticket notStarted(CheckRequest request, NotStarted why, String detail) {
        return new Ticket(request, null, why, detail);
    }

    /** Whether its outcome is there already (no wait needed). */
    boolean isReady() {
        return evaluation != null && evaluation.future.isDone();
    }

    /** Its outcome, when a started evaluation completes (exceptionally on a fault). */
    Optional<CompletableFuture<CheckOutcome>> outcome() {
        return evaluation == null ? Optional.empty() : Optional.of(evaluation.future);
    }

    /** Why no evaluation was started, if none was. */
    Optional<NotStarted> notStarted() {
        return Optional.ofNullable(notStarted);
    }

    /** What kept it from starting, for the log ("" when nothing did). */
    String why() {
        return why == null ? "" : why;
    }

    /** True the first time only: whether to log this ticket's pending or not-run state now. */
    boolean firstReport() {
        return reported.compareAndSet(false, true);
    }
}
