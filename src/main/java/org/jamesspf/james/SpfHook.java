package org.jamesspf.james;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.inject.Inject;
import javax.mail.MessagingException;
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
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.jamesspf.james.checks.PendingChecks;
import org.jamesspf.james.checks.SpfChecks;
import org.jamesspf.james.checks.SpfMetrics;
import org.jamesspf.james.config.SpfHookConfig;
import org.jamesspf.james.explain.Explainer;
import org.jamesspf.james.explain.ExplainerRegistry;
import org.jamesspf.james.message.MessageDecorator;
import org.jamesspf.james.policy.EnforceAt;
import org.jamesspf.james.policy.Enforcement;
import org.jamesspf.james.policy.RecipientPolicy;
import org.jamesspf.james.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPF (RFC 7208) for James's SMTP server: checks the HELO and MAIL FROM identities of each
 * transaction ({@link SpfChecks}, beside James's I/O threads, started at HELO and MAIL), refuses per
 * the recipient's policy at MAIL, RCPT or end of DATA ({@link Enforcement}, {@link Replies}), and
 * records the results on accepted mail ({@link MessageDecorator}). James's I/O thread waits for the
 * checks at most {@code <checks><maxWaitMs>}. Shared by all sessions: its fields are configuration
 * and collaborators; per-transaction state lives in session attachments ({@link Sessions}).
 */
public class SpfHook implements HeloHook, MailHook, RcptHook, JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(SpfHook.class);

    private final DNSService dnsService;
    private final SpfMetrics metrics;
    private final ExplainerRegistry explainers;
    private volatile Running running;
    /** James's hello name as last seen on a session: the explain route's receiver name when no authserv-id is configured. */
    private volatile String helloName;

    /** What {@link #init} built from the configuration. */
    private static final class Running {
        final SpfHookConfig config;
        final SpfChecks checks;
        final Explainer explainer;

        Running(SpfHookConfig config, SpfChecks checks, Explainer explainer) {
            this.config = config;
            this.checks = checks;
            this.explainer = explainer;
        }

        long maxWaitNanos() {
            return config.checks().maxWait().toNanos();
        }
    }

    @Inject
    public SpfHook(DNSService dnsService, SpfMetrics metrics, ExplainerRegistry explainers) {
        this.dnsService = dnsService;
        this.metrics = metrics;
        this.explainers = explainers;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void init(Configuration configuration) throws ConfigurationException {
        if (!(configuration instanceof HierarchicalConfiguration)) {
            throw new ConfigurationException("<handler class=\"" + SpfHook.class.getName() + "\">: expected XML configuration");
        }
        SpfHookConfig config = SpfHookConfig.from((HierarchicalConfiguration<ImmutableNode>) configuration);
        SpfChecks checks = SpfChecks.start(config, dnsService, metrics);
        // James's autodetected hello name, looked up once here at start-up (it may ask reverse DNS), never on a request
        String localName = localName();
        Explainer explainer = new Explainer(config, checks.explainDns(), checks.threads(),
            () -> config.authservId().orElseGet(() -> Optional.ofNullable(helloName).orElse(localName)));
        this.running = new Running(config, checks, explainer);
        explainers.register(explainer);
        LOGGER.info("SPF hook ready: {}, DNS via {}", config, checks.dnsDescription());
    }

    @Override
    public void destroy() {
        Running r = running;
        if (r != null) {
            explainers.unregister(r.explainer);
            r.checks.close();
        }
    }

    /** This host's name as James's helloName autodetect finds it. */
    private String localName() {
        try {
            return dnsService.getHostName(dnsService.getLocalHost());
        } catch (java.net.UnknownHostException | RuntimeException e) {
            return "localhost";
        }
    }

    private Running running() {
        Running r = running;
        if (r == null) {
            throw new IllegalStateException("SpfHook used before init(Configuration)");
        }
        return r;
    }

    /** RFC 7208 2.3: start the HELO identity's check now, so its DNS runs while the client goes on. */
    @Override
    public HookResult doHelo(SMTPSession session, String helo) {
        Running r = running();
        return guarded(session, null, () -> {
            r.checks.prefetchHelo(Sessions.transaction(session, null, r.config));
            return HookResult.DECLINED;
        }, fault -> HookResult.DECLINED);
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        Running r = running();
        helloName = session.getConfiguration().getHelloName();
        boolean atMail = r.config.enforceAt() == EnforceAt.MAIL;
        return guarded(session, sender, () -> {
            // A MAIL FROM refused earlier leaves the transaction state in place: start afresh.
            session.removeAttachment(Sessions.VERDICT, State.Transaction);
            PendingChecks pending = r.checks.begin(Sessions.transaction(session, sender, r.config));
            session.setAttachment(Sessions.PENDING, pending, State.Transaction);
            // Only without <domains> (checked at start-up): before any recipient, the default policy is the only one.
            // A trusted gateway's transaction is checked at the end of DATA, of the client its message names.
            if (atMail && !pending.awaitsMessage()) {
                return Replies.enforce(metrics, session, verdict(r, session), r.config.defaultPolicy(), null);
            }
            return HookResult.DECLINED;
        }, fault -> atMail ? Replies.enforce(metrics, session, fault, r.config.defaultPolicy(), null) : HookResult.DECLINED);
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        Running r = running();
        // Each recipient is refused or not under its own domain's policy.
        RecipientPolicy policy = r.config.policyFor(rcpt.getDomain().asString());
        if (policy.enforceAt() != EnforceAt.RCPT || Enforcement.exemptRecipient(r.config.exemptRecipients(), policy, rcpt.getLocalPart())) {
            return HookResult.DECLINED;
        }
        return guarded(session, sender, () -> awaitsMessage(session) ? HookResult.DECLINED
                : Replies.enforce(metrics, session, verdict(r, session), policy, rcpt),
            fault -> Replies.enforce(metrics, session, fault, policy, rcpt));
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        Running r = running();
        if (session.getAttachment(Sessions.PENDING, State.Transaction).isEmpty()
            && session.getAttachment(Sessions.VERDICT, State.Transaction).isEmpty()) {
            return HookResult.DECLINED;
        }
        MaybeSender sender = mail.getMaybeSender();
        if (awaitsMessage(session)) {
            // Behind a trusted gateway: the client its Received field names, checked now; every
            // recipient's policy applies here, the one point left to refuse at.
            return guarded(session, sender, () -> {
                PendingChecks gatewayPending = session.getAttachment(Sessions.PENDING, State.Transaction).orElseThrow();
                session.setAttachment(Sessions.PENDING, r.checks.atMessage(gatewayPending, receivedFields(mail)), State.Transaction);
                return finishMessage(r, session, mail, verdict(r, session), true);
            }, fault -> finishMessage(r, session, mail, fault, true));
        }
        return guarded(session, sender, () -> finishMessage(r, session, mail, verdict(r, session), false),
            fault -> finishMessage(r, session, mail, fault, false));
    }

    /** A trusted gateway's transaction, whose checks wait for its message's Received fields. */
    private static boolean awaitsMessage(SMTPSession session) {
        return session.getAttachment(Sessions.VERDICT, State.Transaction).isEmpty()
            && session.getAttachment(Sessions.PENDING, State.Transaction).map(PendingChecks::awaitsMessage).orElse(false);
    }

    /** The message's Received field values in header order: James's own first (RFC 5321 4.4, prepended by each hop). */
    private static List<String> receivedFields(Mail mail) {
        try {
            String[] values = mail.getMessage().getHeader("Received");
            return values == null ? List.of() : Arrays.asList(values);
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot read the message's Received fields", e);
        }
    }

    /**
     * At the end of DATA: the refusal when a recipient's policy enforces there, else the headers and
     * attributes. One reply covers every recipient ({@link Enforcement#decidingAtData}). A trusted
     * gateway's message ({@code everyPolicy}) is checked only now: every recipient's policy applies
     * here (a recipient exempt where refusals are per recipient still never refuses).
     */
    private HookResult finishMessage(Running r, SMTPSession session, Mail mail, Verdict v, boolean everyPolicy) {
        Set<RecipientPolicy> atData = new LinkedHashSet<>();
        for (MailAddress rcpt : mail.getRecipients()) {
            RecipientPolicy p = r.config.policyFor(rcpt.getDomain().asString());
            if (p.enforceAt() == EnforceAt.DATA
                || everyPolicy && !Enforcement.exemptRecipient(r.config.exemptRecipients(), p, rcpt.getLocalPart())) {
                atData.add(p);
            }
        }
        if (!atData.isEmpty()) {
            HookResult refused = Replies.enforce(metrics, session, v, Enforcement.decidingAtData(v, atData), null);
            if (refused != HookResult.DECLINED) {
                return refused;
            }
        }
        MessageDecorator.decorate(mail, v, r.config, Sessions.receiver(session, r.config),
            session.getAttachment(Sessions.WOULD_HAVE, State.Transaction));
        return HookResult.DECLINED;
    }

    /**
     * The transaction's verdict: the one already made, else resolved from its pending checks
     * within the wait bound. A verdict made while a check still ran is not kept, so a later
     * enforcement point (another RCPT, the end of DATA) sees the outcome once it is there.
     */
    private static Verdict verdict(Running r, SMTPSession session) {
        Optional<Verdict> made = session.getAttachment(Sessions.VERDICT, State.Transaction);
        if (made.isPresent()) {
            return made.get();
        }
        PendingChecks pending = session.getAttachment(Sessions.PENDING, State.Transaction)
            .orElseThrow(() -> new IllegalStateException("no MAIL FROM in this transaction"));
        Verdict v = r.checks.resolve(pending, r.maxWaitNanos());
        if (!v.isPending()) {
            session.setAttachment(Sessions.VERDICT, v, State.Transaction);
        }
        return v;
    }

    /**
     * The hook's one catch: a fault never breaks the session nor refuses mail for good; it counts
     * as temperror for this transaction and follows the temperror action.
     */
    private <T> T guarded(SMTPSession session, MaybeSender sender, Supplier<T> body, Function<Verdict, T> onFault) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            LOGGER.warn("SPF check failed internally (session {}); treating it as temperror", session.getSessionID(), e);
            metrics.fault();
            Verdict fault;
            try {
                fault = Verdict.fault(Sessions.faultRequest(session, sender, running().config));
            } catch (RuntimeException unreadable) {
                // Already on the fault path: log and fall back to a verdict without outcomes.
                LOGGER.warn("SPF: could not read the transaction after an internal fault: {}", unreadable.toString());
                fault = Verdict.unreadableFault();
            }
            session.setAttachment(Sessions.VERDICT, fault, State.Transaction);
            return onFault.apply(fault);
        }
    }
}
