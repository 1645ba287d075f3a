package org.jamesspf.james;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jamesspf.spf.CheckOutcome;

/**
 * The SPF decision for one SMTP transaction: the outcomes of the identities checked, the
 * action to take, and the outcome that decided it; or the reason the checks were skipped.
 */
public final class Verdict {
    private final List<CheckOutcome> outcomes;
    private final Action action;
    private final Optional<CheckOutcome> deciding;
    private final Optional<String> skipReason;
    private final boolean pending;

    private Verdict(List<CheckOutcome> outcomes, Action action, Optional<CheckOutcome> deciding, Optional<String> skipReason,
                    boolean pending) {
        this.outcomes = List.copyOf(outcomes);
        this.action = Objects.requireNonNull(action, "action");
        this.deciding = Objects.requireNonNull(deciding, "deciding");
        this.skipReason = Objects.requireNonNull(skipReason, "skipReason");
        this.pending = pending;
    }

    private Verdict(List<CheckOutcome> outcomes, Action action, Optional<CheckOutcome> deciding, Optional<String> skipReason) {
        this(outcomes, action, deciding, skipReason, false);
    }

    /** The same verdict, marked as made while a check was still running: to be resolved again later. */
    Verdict pending() {
        return new Verdict(outcomes, action, deciding, skipReason, true);
    }

    /** Whether a check was still running (or never started) when this verdict was made. */
    public boolean isPending() {
        return pending;
    }

    static Verdict skipped(String reason) {
        return new Verdict(List.of(), Action.accept(), Optional.empty(), Optional.of(reason));
    }

    /** An internal fault whose transaction could not be read: the action, no outcome, no header. */
    static Verdict fault(Action action) {
        return new Verdict(List.of(), action, Optional.empty(), Optional.empty());
    }

    static Verdict of(List<CheckOutcome> outcomes, Action action, Optional<CheckOutcome> deciding) {
        return new Verdict(outcomes, action, deciding, Optional.empty());
    }

    /** Outcomes in check order: HELO (when checked) then MAIL FROM. */
    public List<CheckOutcome> outcomes() {
        return outcomes;
    }

    public Action action() {
        return action;
    }

    /** The outcome whose action was chosen, when one refuses. */
    public Optional<CheckOutcome> deciding() {
        return deciding;
    }

    public Optional<String> skipReason() {
        return skipReason;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Verdict)) {
            return false;
        }
        Verdict v = (Verdict) o;
        return outcomes.equals(v.outcomes) && action.equals(v.action) && deciding.equals(v.deciding) && skipReason.equals(v.skipReason)
            && pending == v.pending;
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcomes, action, deciding, skipReason);
    }

    @Override
    public String toString() {
        return skipReason.map(r -> "Verdict{skipped: " + r + "}")
            .orElse("Verdict{" + (pending ? "pending, " : "") + action + ", " + outcomes + "}");
    }
}
