package org.jamesspf.james;

import java.util.Optional;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.jamesspf.james.checks.EvaluationLog;
import org.jamesspf.james.checks.SpfMetrics;
import org.jamesspf.james.policy.Enforcement;
import org.jamesspf.james.policy.RecipientPolicy;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.james.text.Sanitizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An enforcement point's answer to James: the {@link Enforcement} decision as a {@link HookResult}, a
 * refusal logged at INFO, and in dry-run the transaction's first would-have refusal remembered
 * and logged with its reply (and no refusal given).
 */
final class Replies {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpfHook.class);

    private Replies() {
    }

    /** {@code verdict} under {@code policy} at an enforcement point ({@code rcpt} null at MAIL and DATA). */
    static HookResult enforce(SpfMetrics metrics, SMTPSession session, Verdict verdict, RecipientPolicy policy, MailAddress rcpt) {
        Enforcement.Outcome outcome = Enforcement.at(verdict, policy, false);
        Verdict.Decision decision = outcome.decision();
        if (verdict.isFinal(decision)) {
            metrics.decided(verdict, decision, policy.dryRun());
        }
        String to = rcpt == null ? "" : Sanitizer.log(rcpt.asString());
        if (outcome.reply().isPresent()) {
            LOGGER.info("SPF refused {} rcpt={} policy={} reply={}", describe(decision), to, policy.name(), outcome.reply().get());
            return hookResult(outcome.reply());
        }
        outcome.wouldHave().ifPresent(reply -> {
            if (session.getAttachment(Sessions.WOULD_HAVE, State.Transaction).isEmpty()) {
                session.setAttachment(Sessions.WOULD_HAVE, reply.toString(), State.Transaction);
                LOGGER.info("SPF dry-run: would have refused {} rcpt={} policy={} reply={}", describe(decision), to, policy.name(), reply);
            }
        });
        return HookResult.DECLINED;
    }

    /** The deciding outcome's inputs and result for a log line. */
    private static String describe(Verdict.Decision decision) {
        return decision.deciding().map(o -> EvaluationLog.describe(o.request()) + " result=" + o.result().token())
            .orElse("internal fault") + " action=" + decision.action().token();
    }

    /** The SMTP reply of a refusing decision; DECLINED for none. */
    static HookResult hookResult(Optional<Enforcement.Reply> reply) {
        if (reply.isEmpty()) {
            return HookResult.DECLINED;
        }
        return HookResult.builder()
            .hookReturnCode(reply.get().permanent() ? HookReturnCode.deny() : HookReturnCode.denySoft())
            .smtpReturnCode(reply.get().code())
            .smtpDescription(reply.get().text())
            .build();
    }
}
