package org.jamesspf.james;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.inject.Inject;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HeloHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.jamesspf.dns.FailFastDns;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.SpfChecker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPF (RFC 7208) for James's SMTP server: checks the HELO and MAIL FROM identities of each
 * transaction, refuses per the configured action mapping at MAIL, RCPT or end of DATA, and
 * records the results in headers and mail attributes. Checks run on the {@link CheckScheduler}'s
 * threads, started at HELO and MAIL; James's I/O thread waits for them at most
 * {@code <checks><maxWaitMs>}. Shared by all sessions: its fields are configuration and
 * collaborators; per-transaction state lives in session attachments.
 */
public class SpfHook implements HeloHook, MailHook, RcptHook, JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpfHook.class);

    private final DNSService dnsService;
    private final MetricFactory metricFactory;
    private volatile Runtime runtime;

    /** Configuration and what is built from it in {@link #init}. */
    private static final class Runtime {
        final SpfHookConfig config;
        final TransactionChecker transactions;
        final CheckScheduler scheduler;
        final SpfDnsFactory.Choice dns;

        Runtime(SpfHookConfig config, TransactionChecker transactions, CheckScheduler scheduler, SpfDnsFactory.Choice dns) {
            this.config = config;
            this.transactions = transactions;
            this.scheduler = scheduler;
            this.dns = dns;
        }

        long maxWaitNanos() {
            return config.checks().maxWait().toNanos();
        }
    }

    @Inject
    public SpfHook(DNSService dnsService, MetricFactory metricFactory) {
        this.dnsService = dnsService;
        this.metricFactory = metricFactory;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void init(Configuration configuration) throws ConfigurationException {
        if (!(configuration instanceof HierarchicalConfiguration)) {
            throw new ConfigurationException("<handler class=\"" + SpfHook.class.getName() + "\">: expected XML configuration");
        }
        SpfHookConfig config = SpfHookConfig.from((HierarchicalConfiguration<ImmutableNode>) configuration);
        SpfDnsFactory.Choice dns = SpfDnsFactory.choose(config, dnsService);
        // Load the Public Suffix List now, not on the first connection's I/O thread.
        FailFastDns.registeredDomain("mail.example.com");
        // Slow failures (timeouts) are remembered per registered domain; the bound is the wait bound.
        FailFastDns failFast = new FailFastDns(dns.dns, config.checks().maxWait(), config.checks().dnsFailureTtl(), System::nanoTime);
        SpfChecker checker = SpfChecker.builder(failFast).limits(config.limits())
            .defaultExplanation(config.defaultExplanation()).tracing(LOGGER.isDebugEnabled()).build();
        SpfMetrics metrics = new SpfMetrics(metricFactory);
        TransactionChecker[] transactions = new TransactionChecker[1];
        CheckScheduler scheduler = new CheckScheduler(checker, config.checks(), o -> transactions[0].logEvaluation(o), System::nanoTime,
            metrics);
        transactions[0] = new TransactionChecker(config, scheduler, metrics);
        this.runtime = new Runtime(config, transactions[0], scheduler, dns);
        LOGGER.info("SPF hook ready: {}, DNS via {}", config, dns.description);
    }

    @Override
    public void destroy() {
        Runtime r = runtime;
        if (r != null) {
            r.scheduler.close();
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

    /** RFC 7208 2.3: start the HELO identity's check now, so its DNS runs while the client goes on. */
    @Override
    public HookResult doHelo(SMTPSession session, String helo) {
        Runtime r = runtime();
        return guarded(session, null, () -> {
            r.transactions.prefetchHelo(session, helo);
            return HookResult.DECLINED;
        }, fault -> HookResult.DECLINED);
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        Runtime r = runtime();
        return guarded(session, sender, () -> {
            // A MAIL FROM refused earlier leaves the transaction state in place: start afresh.
            session.removeAttachment(SpfAttachments.VERDICT, State.Transaction);
            session.setAttachment(SpfAttachments.PENDING, r.transactions.begin(session, sender), State.Transaction);
            if (r.config.enforceAt() == SpfHookConfig.EnforceAt.MAIL) {
                return enforce(r, session, verdict(r, session));
            }
            return HookResult.DECLINED;
        }, fault -> r.config.enforceAt() == SpfHookConfig.EnforceAt.MAIL ? enforce(r, session, fault) : HookResult.DECLINED);
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
        return guarded(session, sender, () -> enforce(r, session, verdict(r, session)), fault -> enforce(r, session, fault));
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        Runtime r = runtime();
        if (session.getAttachment(SpfAttachments.PENDING, State.Transaction).isEmpty()
            && session.getAttachment(SpfAttachments.VERDICT, State.Transaction).isEmpty()) {
            return HookResult.DECLINED;
        }
        MaybeSender sender = mail.getMaybeSender();
        return guarded(session, sender, () -> finishMessage(r, session, mail, verdict(r, session)),
            fault -> finishMessage(r, session, mail, fault));
    }

    /** At the end of DATA: the refusal when enforcing there, else the headers and attributes. */
    private static HookResult finishMessage(Runtime r, SMTPSession session, Mail mail, Verdict v) {
        if (r.config.enforceAt() == SpfHookConfig.EnforceAt.DATA) {
            HookResult refused = enforce(r, session, v);
            if (refused != HookResult.DECLINED) {
                return refused;
            }
        }
        MessageDecorator.decorate(mail, v, r.config, r.transactions.receiver(session),
            session.getAttachment(SpfAttachments.WOULD_HAVE, State.Transaction));
        return HookResult.DECLINED;
    }

    /**
     * The transaction's verdict: the one already made, else resolved from its pending checks
     * within the wait bound. A verdict made while a check still ran is not kept, so a later
     * enforcement point (another RCPT, the end of DATA) sees the outcome once it is there.
     */
    private static Verdict verdict(Runtime r, SMTPSession session) {
        Optional<Verdict> made = session.getAttachment(SpfAttachments.VERDICT, State.Transaction);
        if (made.isPresent()) {
            return made.get();
        }
        TransactionChecker.Pending pending = session.getAttachment(SpfAttachments.PENDING, State.Transaction)
            .orElseThrow(() -> new IllegalStateException("no MAIL FROM in this transaction"));
        Verdict v = r.transactions.resolve(pending, r.maxWaitNanos());
        if (!v.isPending()) {
            session.setAttachment(SpfAttachments.VERDICT, v, State.Transaction);
        }
        return v;
    }

    /**
     * The hook's one catch: a fault never breaks the session nor refuses mail for good; it counts
     * as temperror for this transaction and follows the temperror action.
     */
    private <T> T guarded(SMTPSession session, MaybeSender sender, Supplier<T> body, java.util.function.Function<Verdict, T> onFault) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            LOGGER.warn("SPF check failed internally (session {}); treating it as temperror", session.getSessionID(), e);
            Verdict fault = runtime().transactions.fault(session, sender);
            session.setAttachment(SpfAttachments.VERDICT, fault, State.Transaction);
            return onFault.apply(fault);
        }
    }

    /**
     * The reply for {@code verdict} at an enforcement point; in dry-run none (DECLINED), and the
     * first refusal of the transaction is remembered and logged at INFO with the reply it would have been.
     */
    private static HookResult enforce(Runtime r, SMTPSession session, Verdict verdict) {
        HookResult result = refusal(verdict);
        if (!r.config.dryRun() || result == HookResult.DECLINED) {
            return result;
        }
        if (session.getAttachment(SpfAttachments.WOULD_HAVE, State.Transaction).isEmpty()) {
            String reply = result.getSmtpRetCode() + " " + result.getSmtpDescription();
            session.setAttachment(SpfAttachments.WOULD_HAVE, reply, State.Transaction);
            verdict.deciding().ifPresentOrElse(o -> LOGGER.info(
                    "SPF dry-run: would have refused ip={} helo={} sender={} identity={} result={} action={} reply={}",
                    o.request().ip(), Sanitizer.log(o.request().helo()), Sanitizer.log(o.request().sender()),
                    o.request().identity().token(), o.result().token(), verdict.action().token(), reply),
                () -> LOGGER.info("SPF dry-run: would have refused action={} reply={}", verdict.action().token(), reply));
        }
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
            .orElseGet(() -> action.text().render(Map.of("result", "temperror", "problem", "internal error")));
        return HookResult.builder()
            .hookReturnCode(action.kind() == Action.Kind.REJECT ? HookReturnCode.deny() : HookReturnCode.denySoft())
            .smtpReturnCode(action.code())
            .smtpDescription(action.status() + " " + text)
            .build();
    }
}
