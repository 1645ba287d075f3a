package org.jamesspf.spf;

import java.util.List;
import java.util.Objects;

/**
 * What check_host() found: the result, why, the term that decided it, the explanation (on
 * fail), the lookups spent and the trace of steps.
 */
public final class CheckOutcome {
    private final CheckRequest request;
    private final SpfResult result;
    private final Reason reason;
    private final String term;
    private final String problem;
    private final String explanation;
    private final int dnsLookups;
    private final int voidLookups;
    private final int dnsQueries;
    private final long elapsedNanos;
    private final List<TraceEvent> trace;
    private final long macroOctets;
    private final boolean usesLocalPart;

    CheckOutcome(CheckRequest request, SpfResult result, Reason reason, String term, String problem, String explanation,
                 int dnsLookups, int voidLookups, int dnsQueries, long elapsedNanos, List<TraceEvent> trace, long macroOctets,
                 boolean usesLocalPart) {
        this.request = Objects.requireNonNull(request, "request");
        this.result = Objects.requireNonNull(result, "result");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.term = Objects.requireNonNull(term, "term");
        this.problem = Objects.requireNonNull(problem, "problem");
        this.explanation = Objects.requireNonNull(explanation, "explanation");
        this.dnsLookups = dnsLookups;
        this.voidLookups = voidLookups;
        this.dnsQueries = dnsQueries;
        this.elapsedNanos = elapsedNanos;
        this.trace = List.copyOf(trace);
        this.macroOctets = macroOctets;
        this.usesLocalPart = usesLocalPart;
    }

    /** An outcome made outside the engine (e.g. an adapter's fault handling), with no trace. */
    public static CheckOutcome of(CheckRequest request, SpfResult result, Reason reason, String problem) {
        return new CheckOutcome(request, result, reason, "", Text.capped(problem, SpfChecker.MAX_PROBLEM_OCTETS), "", 0, 0, 0, 0,
            List.of(), 0, true);
    }

    /**
     * This outcome for another sender of the same domain (same client, identity, HELO and receiver):
     * valid only when the evaluation used no local part ({@link #usesLocalPart()} false), so that
     * the outcome is the same for every local part.
     *
     * @throws IllegalArgumentException when the request differs in more than the local part, or the outcome used it
     */
    public CheckOutcome forRequest(CheckRequest other) {
        if (other.equals(request)) {
            return this;
        }
        if (usesLocalPart || !other.ip().equals(request.ip()) || other.identity() != request.identity()
            || !other.domain().equals(request.domain()) || !other.helo().equals(request.helo())
            || !other.receiver().equals(request.receiver()) || !other.localPolicy().equals(request.localPolicy())) {
            throw new IllegalArgumentException("outcome of " + request + " does not answer " + other);
        }
        return new CheckOutcome(other, result, reason, term, problem, explanation, dnsLookups, voidLookups, dnsQueries, elapsedNanos,
            trace, macroOctets, false);
    }

    /** The same outcome without its trace: what is worth keeping once it has been logged. */
    public CheckOutcome withoutTrace() {
        return trace.isEmpty() ? this : new CheckOutcome(request, result, reason, term, problem, explanation, dnsLookups, voidLookups,
            dnsQueries, elapsedNanos, List.of(), macroOctets, usesLocalPart);
    }

    public CheckRequest request() {
        return request;
    }

    public SpfResult result() {
        return result;
    }

    public Reason reason() {
        return reason;
    }

    /** The domain whose policy was checked first (the identity's domain). */
    public String domain() {
        return request.domain();
    }

    /**
     * The term of the checked domain's record (or of its redirect target) that decided the
     * result: the matching mechanism, or the term where an error arose. Empty when none did.
     */
    public String term() {
        return term;
    }

    /** For errors, what went wrong (quotes DNS data: escape before showing). Empty otherwise. */
    public String problem() {
        return problem;
    }

    /** RFC 7208 6.2: the explanation on fail (the domain's exp or the default). Empty otherwise. */
    public String explanation() {
        return explanation;
    }

    /** RFC 7208 4.6.4: DNS-querying terms evaluated. */
    public int dnsLookups() {
        return dnsLookups;
    }

    /** RFC 7208 4.6.4: lookups that found no data or no name. */
    public int voidLookups() {
        return voidLookups;
    }

    /**
     * DNS queries sent (each A, AAAA, MX, PTR and TXT, fetch-ahead's included), unlike the RFC
     * counters above. Not part of equality: fetch-ahead may send more for the same outcome.
     */
    public int dnsQueries() {
        return dnsQueries;
    }

    /**
     * Octets the macro expansions of this check built (RFC 7208 7): a measure of its work, bounded
     * by design whatever the records say. Not part of equality.
     */
    public long macroOctets() {
        return macroOctets;
    }

    /**
     * Whether a macro-string the evaluation expanded used the sender's local part ({@code l} or
     * {@code s}): when not, the outcome is the same for every local part of the sender's domain.
     * Not part of equality.
     */
    public boolean usesLocalPart() {
        return usesLocalPart;
    }

    public long elapsedNanos() {
        return elapsedNanos;
    }

    public List<TraceEvent> trace() {
        return trace;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CheckOutcome)) {
            return false;
        }
        CheckOutcome c = (CheckOutcome) o;
        return request.equals(c.request) && result == c.result && reason == c.reason && term.equals(c.term)
            && problem.equals(c.problem) && explanation.equals(c.explanation) && dnsLookups == c.dnsLookups
            && voidLookups == c.voidLookups && trace.equals(c.trace);
    }

    @Override
    public int hashCode() {
        return Objects.hash(request, result, reason, term, problem, explanation, dnsLookups, voidLookups);
    }

    @Override
    public String toString() {
        return "CheckOutcome{" + result.token() + ", reason=" + reason + (term.isEmpty() ? "" : ", term=" + term)
            + (problem.isEmpty() ? "" : ", problem=" + problem) + (explanation.isEmpty() ? "" : ", explanation=" + explanation)
            + ", lookups=" + dnsLookups + ", void=" + voidLookups + "}";
    }
}
