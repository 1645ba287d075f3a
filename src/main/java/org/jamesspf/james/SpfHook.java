package org.jamesspf.james;

import java.util.List;
import java.util.Optional;
import javax.inject.Inject;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HeloHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.Identity;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.SpfResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPF (RFC 7208) for James's SMTP server: checks the HELO and MAIL FROM identities of each
 * transaction, refuses per the configured action mapping at MAIL, RCPT or end of DATA, and
 * records the results in headers and mail attributes. Shared by all sessions: its fields are
 * configuration and collaborators; per-transaction state lives in session attachments.
 */
public class SpfHook implements HeloHook, MailHook, RcptHook, JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpfHook.class);

    private final DNSService dnsService;
    private volatile Runtime runtime;

    /** Configuration and what is built from it in {@link #init}. */
    private static final class Runtime {
        final SpfHookConfig config;
        final TransactionChecker transactions;
        final SpfDnsFactory.Choice dns;

        Runtime(SpfHookConfig config, TransactionChecker transactions, SpfDnsFactory.Choice dns) {
            this.config = config;
            this.transactions = transactions;
            this.dns = dns;
        }
    }

    @Inject
    public SpfHook(DNSService dnsService) {
        this.dnsService = dnsService;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void init(Configuration configuration) throws ConfigurationException {
        if (!(configuration instanceof HierarchicalConfiguration)) {
            throw new ConfigurationException("<handler class=\"" + SpfHook.class.getName() + "\">: expected XML configuration");
        }
        SpfHookConfig config = SpfHookConfig.from((HierarchicalConfiguration<ImmutableNode>) configuration);
        SpfDnsFactory.Choice dns = SpfDnsFactory.choose(config, dnsService);
        SpfChecker checker = SpfChecker.builder(dns.dns).limits(config.limits())
            .defaultExplanation(config.defaultExplanation()).build();
        this.runtime = new Runtime(config, new TransactionChecker(config, checker), dns);
        LOGGER.info("SPF hook ready: {}, DNS via {}", config, dns.description);
    }

    @Override
    public void destroy() {
        Runtime r = runtime;
        if (r != null) {
            r.dns.close();
        }
    }

    private Runtime runtime() {
        Runtime r = runtime;
        if (r == null) {
            throw new IllegalStateException("SpfHook used before init(Configuration)");
        }
        return r;
    }

    /** A new HELO/EHLO (e.g. after STARTTLS) may name another host: forget this connection's outcomes. */
    @Override
    public HookResult doHelo(SMTPSession session, String helo) {
        session.getAttachment(SpfAttachments.CACHE, State.Connection).ifPresent(SpfAttachments.OutcomeCache::clear);
        return HookResult.DECLINED;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        Runtime r = runtime();
        Verdict verdict;
        try {
            verdict = r.transactions.decide(session, sender);
        } catch (RuntimeException e) {
            // The one catch of the hook: a fault never breaks the session nor refuses mail for good;
            // it counts as temperror and follows the temperror action.
            LOGGER.warn("SPF check failed internally (session {}); treating it as temperror", session.getSessionID(), e);
            verdict = r.transactions.fault(session, sender);
        }
        session.setAttachment(SpfAttachments.VERDICT, verdict, State.Transaction);
        if (r.config.enforceAt() == SpfHookConfig.EnforceAt.MAIL) {
            return refusal(verdict);
        }
        return HookResult.DECLINED;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        Runtime r = runtime();
        if (r.config.enforceAt() != SpfHookConfig.EnforceAt.RCPT) {
            return HookResult.DECLINED;
        }
        // RFC 5321 4.5.1: postmaster (and the configured exempt local parts) always receive.
        if (r.config.exemptRecipients().contains(Ascii.toLowerCase(rcpt.getLocalPart()))) {
            return HookResult.DECLINED;
        }
        return session.getAttachment(SpfAttachments.VERDICT, State.Transaction).map(SpfHook::refusal).orElse(HookResult.DECLINED);
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        Runtime r = runtime();
        Optional<Verdict> verdict = session.getAttachment(SpfAttachments.VERDICT, State.Transaction);
        if (verdict.isEmpty()) {
            return HookResult.DECLINED;
        }
        Verdict v = verdict.get();
        if (r.config.enforceAt() == SpfHookConfig.EnforceAt.DATA && v.action().refuses()) {
            return refusal(v);
        }
        MessageDecorator.decorate(mail, v, r.config, r.transactions.receiver(session));
        return HookResult.DECLINED;
    }

    /** The SMTP reply for a refusing verdict; DECLINED otherwise. */
    static HookResult refusal(Verdict verdict) {
        Action action = verdict.action();
        if (!action.refuses()) {
            return HookResult.DECLINED;
        }
        // Only a fault verdict refuses without a deciding outcome: its reply has no values to fill in.
        String text = verdict.deciding().map(o -> ReplyRenderer.render(action, o))
            .orElseGet(() -> action.text().render(java.util.Map.of("result", "temperror", "problem", "internal error")));
        return HookResult.builder()
            .hookReturnCode(action.kind() == Action.Kind.REJECT ? HookReturnCode.deny() : HookReturnCode.denySoft())
            .smtpReturnCode(action.code())
            .smtpDescription(action.status() + " " + text)
            .build();
    }
}
