package org.jamesspf.james;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.Identity;
import org.jamesspf.spf.SpfResult;

/**
 * The SPF results of one SMTP transaction: the outcomes of the identities checked (each done,
 * still running at the enforcement point, or not run: the check budget), or the reason the
 * checks were skipped. What to do about them depends on the recipient's policy: {@link #under}.
 */
public final class Verdict {
    /** How an identity's outcome came to be. */
    public enum State {
        /** The check finished: its result counts. */
        DONE,
        /** Still running at the enforcement point: the pending action applies; the outcome says temperror. */
        PENDING,
        /**
         * Never run (a cap on checks in flight, or the check budget of RFC 7208 11.1): the pending
         * action applies (accept or defer), never a refusal for a check that was not made.
         */
        NOT_RUN
    }

    /** The action a policy takes on this verdict, and the outcome that decided it (when one refuses). */
    public static final class Decision {
        private final Action action;
        private final Optional<CheckOutcome> deciding;

        Decision(Action action, Optional<CheckOutcome> deciding) {
            this.action = Objects.requireNonNull(action, "action");
            this.deciding = Objects.requireNonNull(deciding, "deciding");
        }

        public Action action() {
            return action;
        }

        public Optional<CheckOutcome> deciding() {
            return deciding;
        }

        @Override
        public String toString() {
            return action + deciding.map(o -> " by " + o.request().identity().token() + "=" + o.result().token()).orElse("");
        }
    }

    private final List<CheckOutcome> outcomes;
    private final List<State> states;
    private final Optional<String> skipReason;
    /** An internal fault whose transaction could not be read: no outcome, the temperror action. */
    private final boolean unreadableFault;

    private Verdict(List<CheckOutcome> outcomes, List<State> states, Optional<String> skipReason, boolean unreadableFault) {
        if (outcomes.size() != states.size()) {
            throw new IllegalArgumentException("one state per outcome");
        }
        this.outcomes = List.copyOf(outcomes);
        this.states = List.copyOf(states);
        this.skipReason = Objects.requireNonNull(skipReason, "skipReason");
        this.unreadableFault = unreadableFault;
    }

    static Verdict skipped(String reason) {
        return new Verdict(List.of(), List.of(), Optional.of(reason), false);
    }

    /** An internal fault whose transaction could not be read: the temperror action, no outcome, no header. */
    static Verdict unreadableFault() {
        return new Verdict(List.of(), List.of(), Optional.empty(), true);
    }

    /** Finished outcomes only. */
    static Verdict of(List<CheckOutcome> outcomes) {
        return new Verdict(outcomes, Collections.nCopies(outcomes.size(), State.DONE), Optional.empty(), false);
    }

    static Verdict of(List<CheckOutcome> outcomes, List<State> states) {
        return new Verdict(outcomes, states, Optional.empty(), false);
    }

    /** Whether a check was still running when this verdict was made: it is to be resolved again later. */
    public boolean isPending() {
        return states.contains(State.PENDING);
    }

    /** Outcomes in check order: HELO (when checked) then MAIL FROM. */
    public List<CheckOutcome> outcomes() {
        return outcomes;
    }

    public Optional<String> skipReason() {
        return skipReason;
    }

    /**
     * The action {@code policy} takes: per identity the action for its result (the pending action
     * for a check still running or never run); the most severe wins, so a HELO refusal stands even
     * when MAIL FROM passes.
     */
    public Decision under(ActionPolicy policy) {
        if (unreadableFault) {
            return new Decision(policy.actionFor(Identity.MAILFROM, SpfResult.TEMPERROR), Optional.empty());
        }
        Action action = Action.accept();
        CheckOutcome deciding = null;
        for (int i = 0; i < outcomes.size(); i++) {
            CheckOutcome o = outcomes.get(i);
            Action a;
            switch (states.get(i)) {
                case PENDING:
                case NOT_RUN:
                    a = policy.pending();
                    break;
                default:
                    a = policy.actionFor(o.request().identity(), o.result());
            }
            if (a.kind().outranks(action.kind())) {
                action = a;
                deciding = o;
            }
        }
        return new Decision(action, Optional.ofNullable(deciding));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Verdict)) {
            return false;
        }
        Verdict v = (Verdict) o;
        return outcomes.equals(v.outcomes) && states.equals(v.states) && skipReason.equals(v.skipReason)
            && unreadableFault == v.unreadableFault;
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcomes, states, skipReason);
    }

    @Override
    public String toString() {
        if (skipReason.isPresent()) {
            return "Verdict{skipped: " + skipReason.get() + "}";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            parts.add(outcomes.get(i).request().identity().token() + "=" + outcomes.get(i).result().token()
                + (states.get(i) == State.DONE ? "" : " (" + states.get(i) + ")"));
        }
        return "Verdict{" + (unreadableFault ? "internal fault" : String.join(", ", parts)) + "}";
    }
}
