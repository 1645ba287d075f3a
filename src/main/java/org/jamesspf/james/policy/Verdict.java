package org.jamesspf.james.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.Identity;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.SpfResult;

/**
 * The SPF results of one SMTP transaction: the outcomes of the identities checked (each done,
 * still running at the enforcement point, or not run: the check budget), or the exemption that
 * applies; for a trusted gateway's message, what its Received fields gave. What to do about them depends on the recipient's policy: {@link #under}.
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

        public Decision(Action action, Optional<CheckOutcome> deciding) {
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
    private final Optional<Exemption> exemption;
    /** The transaction an exemption covers (its MAIL FROM), for the header that records it. */
    private final Optional<CheckRequest> subject;
    /** A check that would verify a claimed exemption was still running: a refusal waits for it (the pending action). */
    private final boolean exemptionPending;
    /** For a trusted gateway's message: the client its Received field gave (whose checks these are), or why none. */
    private final Optional<GatewayOrigin> gateway;
    /** An internal fault whose transaction could not be read: no outcome, the temperror action. */
    private final boolean unreadableFault;

    private Verdict(List<CheckOutcome> outcomes, List<State> states, Optional<Exemption> exemption,
                    Optional<CheckRequest> subject, boolean exemptionPending, Optional<GatewayOrigin> gateway,
                    boolean unreadableFault) {
        if (outcomes.size() != states.size()) {
            throw new IllegalArgumentException("one state per outcome");
        }
        this.outcomes = List.copyOf(outcomes);
        this.states = List.copyOf(states);
        this.exemption = Objects.requireNonNull(exemption, "exemption");
        this.subject = Objects.requireNonNull(subject, "subject");
        this.exemptionPending = exemptionPending;
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.unreadableFault = unreadableFault;
    }

    /** Not held to SPF: {@code exemption} applies to the transaction of {@code subject} (its MAIL FROM request). */
    public static Verdict exempt(Exemption exemption, CheckRequest subject) {
        return new Verdict(List.of(), List.of(), Optional.of(exemption), Optional.of(subject), false, Optional.empty(), false);
    }

    /**
     * An internal fault (a bug, an adapter that threw): temperror for {@code request}, the MAIL FROM
     * identity of the real transaction, so that headers in tag-only setups say what was checked.
     */
    public static Verdict fault(CheckRequest request) {
        return of(List.of(CheckOutcome.of(request, SpfResult.TEMPERROR, Reason.INTERNAL_ERROR, "internal error")));
    }

    /** An internal fault whose transaction could not be read: the temperror action, no outcome, no header. */
    public static Verdict unreadableFault() {
        return new Verdict(List.of(), List.of(), Optional.empty(), Optional.empty(), false, Optional.empty(), true);
    }

    /** Finished outcomes only. */
    public static Verdict of(List<CheckOutcome> outcomes) {
        return of(outcomes, Collections.nCopies(outcomes.size(), State.DONE));
    }

    public static Verdict of(List<CheckOutcome> outcomes, List<State> states) {
        return new Verdict(outcomes, states, Optional.empty(), Optional.empty(), false, Optional.empty(), false);
    }

    /** The same verdict, a claimed exemption still being verified (a refusal then waits: the pending action). */
    public Verdict withExemptionPending() {
        return new Verdict(outcomes, states, exemption, subject, true, gateway, unreadableFault);
    }

    /** The same verdict, for a trusted gateway's message: what its Received fields gave. */
    public Verdict viaGateway(GatewayOrigin read) {
        return new Verdict(outcomes, states, exemption, subject, exemptionPending, Optional.of(read), unreadableFault);
    }

    /** Whether a check was still running when this verdict was made: it is to be resolved again later. */
    public boolean isPending() {
        return states.contains(State.PENDING) || exemptionPending;
    }

    /**
     * Whether {@code decision} (this verdict's, under some policy) is final: no check still running, and
     * no exemption still being verified that could change it (one that could only turn an accept into
     * an accept cannot).
     */
    public boolean isFinal(Decision decision) {
        return !states.contains(State.PENDING) && (!exemptionPending || !decision.action().refuses());
    }

    /** Outcomes in check order: HELO (when checked) then MAIL FROM. */
    public List<CheckOutcome> outcomes() {
        return outcomes;
    }

    /** The exemption that applies, if one does (then no result counts). */
    public Optional<Exemption> exemption() {
        return exemption;
    }

    /** The transaction an exemption covers (its MAIL FROM request). */
    public Optional<CheckRequest> subject() {
        return subject;
    }

    /** For a trusted gateway's message: the client its Received fields gave, or why none. */
    public Optional<GatewayOrigin> gateway() {
        return gateway;
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
        if (exemption.isPresent()) {
            return new Decision(Action.accept(), Optional.empty());
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
        if (exemptionPending && action.refuses()) {
            // a claimed exemption not yet verified: no refusal before it could be (the retry knows)
            return new Decision(policy.pending(), Optional.ofNullable(deciding));
        }
        return new Decision(action, Optional.ofNullable(deciding));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Verdict)) {
            return false;
        }
        Verdict v = (Verdict) o;
        return outcomes.equals(v.outcomes) && states.equals(v.states) && exemption.equals(v.exemption) && subject.equals(v.subject)
            && exemptionPending == v.exemptionPending && gateway.equals(v.gateway) && unreadableFault == v.unreadableFault;
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcomes, states, exemption);
    }

    @Override
    public String toString() {
        if (exemption.isPresent()) {
            return "Verdict{exempt: " + exemption.get() + "}";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            parts.add(outcomes.get(i).request().identity().token() + "=" + outcomes.get(i).result().token()
                + (states.get(i) == State.DONE ? "" : " (" + states.get(i) + ")"));
        }
        return "Verdict{" + (unreadableFault ? "internal fault" : String.join(", ", parts)) + "}";
    }
}
