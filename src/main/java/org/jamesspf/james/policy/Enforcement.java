package org.jamesspf.james.policy;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jamesspf.spf.Ascii;

/**
 * What an enforcement point does with a verdict under a recipient's policy: the one rule the SMTP
 * hook and the explain route share. A refusing decision becomes an SMTP reply (RFC 5321 4.2, RFC
 * 3463 enhanced status, the configured text with its values made safe); in dry-run it is only
 * what would have been replied; an exempt recipient (RFC 5321 4.5.1) is never refused.
 */
public final class Enforcement {
    private Enforcement() {
    }

    /** An SMTP reply refusing a transaction. */
    public static final class Reply {
        private final String code;
        private final String text;
        private final boolean permanent;

        Reply(String code, String text, boolean permanent) {
            this.code = code;
            this.text = text;
            this.permanent = permanent;
        }

        /** The reply code: {@code 550}, {@code 451}. */
        public String code() {
            return code;
        }

        /** The enhanced status code and the text: {@code 5.7.23 SPF fail: ...}. */
        public String text() {
            return text;
        }

        /** 5xx (the client gives up) rather than 4xx (it retries). */
        public boolean permanent() {
            return permanent;
        }

        @Override
        public String toString() {
            return code + " " + text;
        }
    }

    /** At one enforcement point: the decision, the reply given (if any) and, in dry-run, the one that would have been. */
    public static final class Outcome {
        private final Verdict.Decision decision;
        private final Optional<Reply> reply;
        private final Optional<Reply> wouldHave;

        Outcome(Verdict.Decision decision, Optional<Reply> reply, Optional<Reply> wouldHave) {
            this.decision = decision;
            this.reply = reply;
            this.wouldHave = wouldHave;
        }

        public Verdict.Decision decision() {
            return decision;
        }

        /** The refusal to send. */
        public Optional<Reply> reply() {
            return reply;
        }

        /** In dry-run, the refusal that was not sent. */
        public Optional<Reply> wouldHave() {
            return wouldHave;
        }
    }

    /** {@code verdict} under {@code policy} for a recipient that is, or is not, exempt ({@link #exemptRecipient}). */
    public static Outcome at(Verdict verdict, RecipientPolicy policy, boolean exemptRecipient) {
        Verdict.Decision decision = verdict.under(policy.actions());
        Optional<Reply> reply = exemptRecipient ? Optional.empty() : reply(decision);
        if (policy.dryRun()) {
            return new Outcome(decision, Optional.empty(), reply);
        }
        return new Outcome(decision, reply, Optional.empty());
    }

    /** The SMTP reply of a refusing decision; empty for accept. */
    public static Optional<Reply> reply(Verdict.Decision decision) {
        Action action = decision.action();
        if (!action.refuses()) {
            return Optional.empty();
        }
        // Only a fault verdict refuses without a deciding outcome: its reply has no values to fill in.
        String text = decision.deciding().map(o -> ReplyRenderer.render(action, o))
            .orElseGet(() -> action.text().render(Map.of("result", "temperror", "problem", "internal error")));
        return Optional.of(new Reply(action.code(), action.status() + " " + text, action.kind() == Action.Kind.REJECT));
    }

    /**
     * RFC 5321 4.5.1: postmaster (and the other {@code <exemptRecipients>}) always receive, where
     * refusals are per recipient: under a policy enforcing at RCPT.
     */
    public static boolean exemptRecipient(List<String> exemptRecipients, RecipientPolicy policy, String localPart) {
        return policy.enforceAt() == EnforceAt.RCPT && exemptRecipients.contains(Ascii.toLowerCase(localPart));
    }

    /**
     * At the end of DATA one reply covers every recipient: of the policies enforcing there, the
     * strictest one not in dry-run decides; if none refuses, the strictest dry-run one (it records
     * what it would have done); if none of those either, the first.
     */
    public static RecipientPolicy decidingAtData(Verdict verdict, Collection<RecipientPolicy> policies) {
        Objects.requireNonNull(verdict, "verdict");
        if (policies.isEmpty()) {
            throw new IllegalArgumentException("no policy enforces at DATA");
        }
        return strictest(verdict, policies, false).or(() -> strictest(verdict, policies, true)).orElse(policies.iterator().next());
    }

    /** Among {@code policies} in dry-run or not, the one whose action is the most severe, if any refuses (the first among equals). */
    private static Optional<RecipientPolicy> strictest(Verdict verdict, Collection<RecipientPolicy> policies, boolean dryRun) {
        RecipientPolicy best = null;
        Action.Kind bestKind = Action.Kind.ACCEPT;
        for (RecipientPolicy p : policies) {
            Action.Kind kind = verdict.under(p.actions()).action().kind();
            if (p.dryRun() == dryRun && kind.outranks(bestKind)) {
                best = p;
                bestKind = kind;
            }
        }
        return Optional.ofNullable(best);
    }
}
