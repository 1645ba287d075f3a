package org.jamesspf.james;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.jamesspf.james.checks.PendingChecks;
import org.jamesspf.james.checks.SessionBudget;
import org.jamesspf.james.checks.Transaction;
import org.jamesspf.james.config.SpfHookConfig;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;

/**
 * What the hook keeps on James's SMTP session, and how it reads a transaction from it: the only
 * place an {@link SMTPSession} is taken apart.
 */
final class Sessions {
    /** The transaction's verdict once final (cleared by RSET and after each message). */
    static final ProtocolSession.AttachmentKey<Verdict> VERDICT = ProtocolSession.AttachmentKey.of("org.jamesspf.spf.verdict", Verdict.class);
    /** The transaction's checks, set at MAIL FROM. */
    static final ProtocolSession.AttachmentKey<PendingChecks> PENDING =
        ProtocolSession.AttachmentKey.of("org.jamesspf.spf.pending", PendingChecks.class);
    /** In dry-run, the reply the transaction would have been refused with (the first one). */
    static final ProtocolSession.AttachmentKey<String> WOULD_HAVE = ProtocolSession.AttachmentKey.of("org.jamesspf.spf.wouldHave", String.class);
    /** The connection's budget of new evaluations (RFC 7208 11.1). */
    static final ProtocolSession.AttachmentKey<SessionBudget> BUDGET =
        ProtocolSession.AttachmentKey.of("org.jamesspf.spf.sessionBudget", SessionBudget.class);

    private Sessions() {
    }

    /** The transaction as the checks see it ({@code sender} null before MAIL FROM). */
    static Transaction transaction(SMTPSession session, MaybeSender sender, SpfHookConfig config) {
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse("");
        boolean nullSender = sender == null || sender.isNullSender();
        return new Transaction(clientAddress(session), helo, nullSender ? "" : sender.asString(),
            nullSender ? "" : sender.get().getDomain().asString(), receiver(session, config), session.getUsername() != null,
            session.isRelayingAllowed(), budget(session, config));
    }

    /** The connection's budget, made at its first check. */
    private static SessionBudget budget(SMTPSession session, SpfHookConfig config) {
        return session.getAttachment(BUDGET, State.Connection).orElseGet(() -> {
            SessionBudget budget = new SessionBudget(config.checks().maxChecksPerSession());
            session.setAttachment(BUDGET, budget, State.Connection);
            return budget;
        });
    }

    /**
     * The MAIL FROM request of the real transaction, for the verdict of an internal fault (so that
     * headers in tag-only setups say what was checked).
     */
    static CheckRequest faultRequest(SMTPSession session, MaybeSender sender, SpfHookConfig config) {
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse("");
        String senderText = sender == null || sender.isNullSender() ? "" : sender.asString();
        return CheckRequest.mailFrom(clientAddress(session), senderText, helo, receiver(session, config));
    }

    /**
     * The client address James reports: getRemoteAddress() is already the PROXY protocol source
     * when there is one. (James 3.8.1's getProxyInformation() throws when there is none.)
     * RFC 7208 5: an IPv4-mapped IPv6 address is checked as IPv4.
     */
    static IpAddress clientAddress(SMTPSession session) {
        InetSocketAddress address = Objects.requireNonNull(session.getRemoteAddress(), "remote address");
        return IpAddress.fromBytes(address.getAddress().getAddress()).unmapped();
    }

    /** The receiver's name: the configured authserv-id, else James's hello name. */
    static String receiver(SMTPSession session, SpfHookConfig config) {
        return config.authservId().orElseGet(() -> session.getConfiguration().getHelloName());
    }
}
