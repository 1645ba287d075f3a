package org.jamesspf.james.checks;

import org.jamesspf.james.config.SpfHookConfig;
import org.jamesspf.james.policy.Action;
import org.jamesspf.james.text.Sanitizer;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per evaluation, with its inputs, result and why; the trace at DEBUG. All SPF lines
 * go to one logger, the hook's, so admins filter on one name; every value from the network through
 * {@link Sanitizer#log}.
 */
public final class EvaluationLog {
    /** The hook's logger name: {@code org.jamesspf.james.SpfHook}. */
    public static final String LOGGER_NAME = "org.jamesspf.james.SpfHook";
    static final Logger LOGGER = LoggerFactory.getLogger(LOGGER_NAME);

    private final SpfHookConfig config;

    EvaluationLog(SpfHookConfig config) {
        this.config = config;
    }

    /** The inputs of a check, as every SPF log line writes them: {@code ip= helo= sender= identity= domain=}. */
    public static String describe(CheckRequest q) {
        return "ip=" + q.ip() + " helo=" + Sanitizer.log(q.helo()) + " sender=" + Sanitizer.log(q.sender()) + " identity="
            + q.identity().token() + " domain=" + Sanitizer.log(q.domain());
    }

    /** An evaluation's line. */
    void evaluated(CheckOutcome o) {
        CheckRequest q = o.request();
        Action action = config.actions().actionFor(q.identity(), o.result());
        LOGGER.info("SPF check {} result={} reason={} term={} action={} lookups={} void={} ms={} queries={}", describe(q),
            o.result().token(), o.reason(), Sanitizer.log(o.term()), action.token(), o.dnsLookups(), o.voidLookups(),
            o.elapsedNanos() / 1_000_000, o.dnsQueries());
        if (LOGGER.isDebugEnabled()) {
            LOGGER.debug("SPF trace for {} {}: problem={} explanation={} trace={}", q.identity().token(), Sanitizer.log(o.domain()),
                Sanitizer.log(o.problem()), Sanitizer.log(o.explanation()), Sanitizer.replyText(o.trace().toString(), 4000));
        }
    }
}
