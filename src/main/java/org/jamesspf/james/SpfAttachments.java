package org.jamesspf.james;

import org.apache.james.protocols.api.ProtocolSession;
import org.jamesspf.spf.Identity;

/** Session attachment keys and mail attribute names of the hook. */
public final class SpfAttachments {
    /** The transaction's verdict, set at MAIL FROM (a final one; cleared by RSET and after each message). */
    static final ProtocolSession.AttachmentKey<Verdict> VERDICT =
        ProtocolSession.AttachmentKey.of("org.jamesspf.spf.verdict", Verdict.class);
    /** The transaction's started checks, set at MAIL FROM. */
    static final ProtocolSession.AttachmentKey<TransactionChecker.Pending> PENDING =
        ProtocolSession.AttachmentKey.of("org.jamesspf.spf.pending", TransactionChecker.Pending.class);

    /** In dry-run, the reply the transaction would have been refused with (the first one). */
    static final ProtocolSession.AttachmentKey<String> WOULD_HAVE =
        ProtocolSession.AttachmentKey.of("org.jamesspf.spf.wouldHave", String.class);

    /** Mail attribute prefix; per identity: {@code org.jamesspf.spf.mailfrom.result} etc. */
    public static final String ATTRIBUTE_PREFIX = "org.jamesspf.spf.";
    /** Set (to the reason) when the checks were skipped for this mail. */
    public static final String SKIPPED_ATTRIBUTE = ATTRIBUTE_PREFIX + "skipped";
    /** In dry-run, set (to the reply, e.g. "550 5.7.23 SPF fail: ...") when the mail would have been refused. */
    public static final String WOULD_HAVE_ATTRIBUTE = ATTRIBUTE_PREFIX + "dryrun.wouldHaveRefused";

    private SpfAttachments() {
    }

    /** {@code org.jamesspf.spf.<identity>.<field>}, field one of result, domain, term, explanation. */
    public static String attribute(Identity identity, String field) {
        return ATTRIBUTE_PREFIX + identity.token() + "." + field;
    }
}
