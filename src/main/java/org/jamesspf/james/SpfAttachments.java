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
    /** Set when the transaction was not held to its SPF result: the exemption ({@code forwarder}, {@code verified-helo}, ...). */
    public static final String EXEMPTION_ATTRIBUTE = ATTRIBUTE_PREFIX + "exemption";
    /** With {@link #EXEMPTION_ATTRIBUTE}: what showed it ("203.0.113.5 passes the SPF of forwarder lists.example.org"). */
    public static final String EXEMPTION_DETAIL_ATTRIBUTE = ATTRIBUTE_PREFIX + "exemption.detail";
    /** For a trusted gateway's message: the gateway that recorded the client (the last listed hop). */
    public static final String GATEWAY_ATTRIBUTE = ATTRIBUTE_PREFIX + "gateway";
    /** For a trusted gateway's message: the original client read from its Received field, whose checks these are. */
    public static final String GATEWAY_CLIENT_ATTRIBUTE = ATTRIBUTE_PREFIX + "gateway.client";
    /** For a trusted gateway's message whose client could not be read: why. */
    public static final String GATEWAY_UNREADABLE_ATTRIBUTE = ATTRIBUTE_PREFIX + "gateway.unreadable";
    /** In dry-run, set (to the reply, e.g. "550 5.7.23 SPF fail: ...") when the mail would have been refused. */
    public static final String WOULD_HAVE_ATTRIBUTE = ATTRIBUTE_PREFIX + "dryrun.wouldHaveRefused";

    private SpfAttachments() {
    }

    /** {@code org.jamesspf.spf.<identity>.<field>}, field one of result, domain, term, explanation. */
    public static String attribute(Identity identity, String field) {
        return ATTRIBUTE_PREFIX + identity.token() + "." + field;
    }
}
