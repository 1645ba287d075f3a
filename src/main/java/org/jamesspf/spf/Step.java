package org.jamesspf.spf;

/** An intermediate result of one domain's evaluation, or of one mechanism. */
final class Step {
    /** A mechanism's outcome when it raised no error: it matches (its qualifier then gives the result). */
    static final Step MATCHES = Step.of(SpfResult.PASS, Reason.MATCHED, "", "");
    /** A mechanism's outcome when it raised no error: it does not match (the next term is evaluated). */
    static final Step DOES_NOT_MATCH = Step.of(SpfResult.NEUTRAL, Reason.NO_MATCH, "", "");

    final SpfResult result;
    final Reason reason;
    final String term;
    final String problem;
    final String explanation;

    Step(SpfResult result, Reason reason, String term, String problem, String explanation) {
        this.result = result;
        this.reason = reason;
        this.term = Text.capped(term, SpfChecker.MAX_TERM_OCTETS);
        this.problem = Text.capped(problem, SpfChecker.MAX_PROBLEM_OCTETS);
        this.explanation = explanation;
    }

    static Step of(SpfResult result, Reason reason, String term, String problem) {
        return new Step(result, reason, term, problem, "");
    }

    Step withTerm(String newTerm) {
        return new Step(result, reason, newTerm, problem, explanation);
    }
}
