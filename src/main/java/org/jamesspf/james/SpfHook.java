package org.jamesspf.james;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;
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
import org.jamesspf.dns.RegisteredDomains;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.EngineThreads;
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
    private final LiveHooks liveHooks;
    private volatile IntConsumer queriesPerCheck = n -> { };
    private volatile Runtime runtime;
    /** James's hello name as last seen on a session: the receiver name when no authserv-id is configured. */
    private volatile String helloName;

    /** Configuration and what is built from it in {@link #init}. */
    private static final class Runtime {
        final SpfHookConfig config;
        final TransactionChecker transactions;
        final EngineThreads threads;
        final SpfDnsFactory.Choice dns;
        final Explainer explainer;

        Runtime(SpfHookConfig config, TransactionChecker transactions, EngineThreads threads, SpfDnsFactory.Choice dns,
                Explainer explainer) {
            this.config = config;
            this.transactions = transactions;
            this.threads = threads;
            this.dns = dns;
            this.explainer = explainer;
        }

        long maxWaitNanos() {
            return config.checks().maxWait().toNanos();
        }
    }

    @Inject
    public SpfHook(DNSService dnsService, MetricFactory metricFactory, LiveHooks liveHooks) {
        this.dnsService = dnsService;
        this.metricFactory = metricFactory;
        this.liveHooks = liveHooks;
    }

    /** Every Guice James binds Dropwizard's registry (James's metrics live there): the histogram of DNS queries per check. */
    @com.google.inject.Inject(optional = true) // javax.inject has no optional injection
    public void setMetricRegistry(MetricRegistry registry) {
        Histogram histogram = registry.histogram("spf.dns.queriesPerCheck");
        this.queriesPerCheck = histogram::update;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void init(Configuration configuration) throws ConfigurationException {
        if (!(configuration instanceof HierarchicalConfiguration)) {
            throw new ConfigurationException("<handler class=\"" + SpfHook.class.getName() + "\">: expected XML configuration");
        }
        SpfHookConfig config = SpfHookConfig.from((HierarchicalConfiguration<ImmutableNode>) configuration);
        // The plugin's threads: evaluations and DNS answers run here, never a thread per check or answer.
        EngineThreads threads = EngineThreads.start("james-spf-check", config.checks().threads());
        SpfDnsFactory.Choice dns = SpfDnsFactory.choose(config, dnsService, threads.executor());
        // Load the Public Suffix List now, not on the first connection's I/O thread.
        RegisteredDomains.of("mail.example.com");
        // Timeouts (failures that took the query timeout) are remembered per name, then per registered domain.
        FailFastDns failFast = new FailFastDns(dns.dns, config.queryTimeout(), config.checks().dnsFailureTtl(), System::nanoTime);
        SpfChecker checker = SpfChecker.builder(failFast).limits(config.limits()).threads(threads)
            .defaultExplanation(config.defaultExplanation()).tracing(LOGGER.isDebugEnabled()).build();
        SpfMetrics metrics = new SpfMetrics(metricFactory, queriesPerCheck);
        TransactionChecker[] transactions = new TransactionChecker[1];
        CheckScheduler scheduler = new CheckScheduler(checker, config.checks(), o -> transactions[0].logEvaluation(o),
            System::nanoTime, metrics);
        transactions[0] = new TransactionChecker(config, scheduler, metrics, System::nanoTime);
        // the explain route reads what checks learnt about failing DNS, and teaches them nothing
        Explainer explainer = new Explainer(config, failFast.readOnly(), threads, () -> config.authservId().orElseGet(this::receiverWithoutSession));
        this.runtime = new Runtime(config, transactions[0], threads, dns, explainer);
        liveHooks.register(explainer);
        LOGGER.info("SPF hook ready: {}, DNS via {}", config, dns.description);
    }

    @Override
    public void destroy() {
        Runtime r = runtime;
        if (r != null) {
            liveHooks.unregister(r.explainer);
            r.dns.close();
            r.threads.close();
        }
    }

    /** James's hello name as last seen, else (no session yet) the local host name, as James's autodetect finds it. */
    private String receiverWithoutSession() {
        String seen = helloName;
        if (seen != null) {
            return seen;
        }
        try {
            return java.net.InetAddress.getLocalHost().getCanonicalHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
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
        helloName = session.getConfiguration().getHelloName();
        return guarded(session, sender, () -> {
            // A MAIL FROM refused earlier leaves the transaction state in place: start afresh.
            session.removeAttachment(SpfAttachments.VERDICT, State.Transaction);
            TransactionChecker.Pending pending = r.transactions.begin(session, sender);
            session.setAttachment(SpfAttachments.PENDING, pending, State.Transaction);
            // Only without <domains> (checked at start-up): before any recipient, the default policy is the only one.
            // A trusted gateway's transaction is checked at the end of DATA, of the client its message names.
            if (r.config.enforceAt() == SpfHookConfig.EnforceAt.MAIL && !pending.awaitsMessage()) {
                return enforce(r, session, verdict(r, session), r.config.defaultPolicy(), null);
            }
            return HookResult.DECLINED;
        }, fault -> r.config.enforceAt() == SpfHookConfig.EnforceAt.MAIL
            ? enforce(r, session, fault, r.config.defaultPolicy(), null) : HookResult.DECLINED);
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        Runtime r = runtime();
        // Each recipient is refused or not under its own domain's policy.
        RecipientPolicy policy = r.config.policyFor(rcpt.getDomain().asString());
        if (policy.enforceAt() != SpfHookConfig.EnforceAt.RCPT) {
            return HookResult.DECLINED;
        }
        // RFC 5321 4.5.1: postmaster (and the configured exempt local parts) always receive.
        if (r.config.exemptRecipients().contains(Ascii.toLowerCase(rcpt.getLocalPart()))) {
            return HookResult.DECLINED;
        }
        return guarded(session, sender, () -> awaitsMessage(session) ? HookResult.DECLINED
                : enforce(r, session, verdict(r, session), policy, rcpt),
            fault -> enforce(r, session, fault, policy, rcpt));
    }

    /** A trusted gateway's transaction, whose checks wait for its message's Received fields. */
    private static boolean awaitsMessage(SMTPSession session) {
        return session.getAttachment(SpfAttachments.VERDICT, State.Transaction).isEmpty()
            && session.getAttachment(SpfAttachments.PENDING, State.Transaction).map(TransactionChecker.Pending::awaitsMessage).orElse(false);
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        Runtime r = runtime();
        if (session.getAttachment(SpfAttachments.PENDING, State.Transaction).isEmpty()
            && session.getAttachment(SpfAttachments.VERDICT, State.Transaction).isEmpty()) {
            return HookResult.DECLINED;
        }
        MaybeSender sender = mail.getMaybeSender();
        if (awaitsMessage(session)) {
            // Behind a trusted gateway: the client its Received field names, checked now; every
            // recipient's policy applies here, the one point left to refuse at.
            return guarded(session, sender, () -> {
                TransactionChecker.Pending gatewayPending = session.getAttachment(SpfAttachments.PENDING, State.Transaction).get();
                session.setAttachment(SpfAttachments.PENDING, r.transactions.atMessage(session, gatewayPending, receivedFields(mail)),
                    State.Transaction);
                return finishMessage(r, session, mail, verdict(r, session), true);
            }, fault -> finishMessage(r, session, mail, fault, true));
        }
        return guarded(session, sender, () -> finishMessage(r, session, mail, verdict(r, session), false),
            fault -> finishMessage(r, session, mail, fault, false));
    }

    /** The message's Received field values in header order: James's own first (RFC 5321 4.4, prepended by each hop). */
    private static java.util.List<String> receivedFields(Mail mail) {
        try {
            String[] values = mail.getMessage().getHeader("Received");
            return values == null ? java.util.List.of() : java.util.Arrays.asList(values);
        } catch (javax.mail.MessagingException e) {
            throw new IllegalStateException("cannot read the message's Received fields", e);
        }
    }

    /**
     * At the end of DATA: the refusal when a recipient's policy enforces there, else the headers
     * and attributes. One reply covers every recipient, so of the policies enforcing at DATA the
     * strictest one not in dry-run wins; dry-run policies only record what they would have done.
     * A trusted gateway's message ({@code everyPolicy}) is checked only now: every recipient's
     * policy applies here (a recipient in {@code <exemptRecipients>} of a policy enforcing at RCPT
     * still never refuses).
     */
    private static HookResult finishMessage(Runtime r, SMTPSession session, Mail mail, Verdict v, boolean everyPolicy) {
        Set<RecipientPolicy> atData = new LinkedHashSet<>();
        for (MailAddress rcpt : mail.getRecipients()) {
            RecipientPolicy p = r.config.policyFor(rcpt.getDomain().asString());
            if (p.enforceAt() == SpfHookConfig.EnforceAt.DATA) {
                atData.add(p);
            } else if (everyPolicy && !(p.enforceAt() == SpfHookConfig.EnforceAt.RCPT
                && r.config.exemptRecipients().contains(Ascii.toLowerCase(rcpt.getLocalPart())))) {
                atData.add(p);
            }
        }
        if (!atData.isEmpty()) {
            // none refusing: the decision (accept) is the first policy's, counted once for the message
            RecipientPolicy deciding = strictest(v, atData, false).or(() -> strictest(v, atData, true))
                .orElse(atData.iterator().next());
            HookResult refused = enforce(r, session, v, deciding, null);
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
     * Among {@code policies} in dry-run or not ({@code dryRun}), the one whose action on {@code v}
     * is the most severe, if any refuses (the first among equals, in recipient order).
     */
    private static Optional<RecipientPolicy> strictest(Verdict v, Set<RecipientPolicy> policies, boolean dryRun) {
        RecipientPolicy best = null;
        Action.Kind bestKind = Action.Kind.ACCEPT;
        for (RecipientPolicy p : policies) {
            Action.Kind kind = v.under(p.actions()).action().kind();
            if (p.dryRun() == dryRun && kind.outranks(bestKind)) {
                best = p;
                bestKind = kind;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The reply for {@code verdict} under {@code policy} at an enforcement point ({@code rcpt}
     * null at MAIL and DATA). A refusal is logged at INFO; in dry-run none is given (DECLINED),
     * and the transaction's first would-have refusal is remembered and logged with its reply.
     */
    private static HookResult enforce(Runtime r, SMTPSession session, Verdict verdict, RecipientPolicy policy, MailAddress rcpt) {
        Verdict.Decision decision = verdict.under(policy.actions());
        if (verdict.isFinal(decision)) {
            r.transactions.metrics().decided(verdict, decision, policy.dryRun());
        }
        HookResult result = refusal(decision);
        if (result == HookResult.DECLINED) {
            return result;
        }
        String reply = result.getSmtpRetCode() + " " + result.getSmtpDescription();
        String to = rcpt == null ? "" : Sanitizer.log(rcpt.asString());
        if (!policy.dryRun()) {
            LOGGER.info("SPF refused {} rcpt={} policy={} reply={}", describe(decision), to, policy.name(), reply);
            return result;
        }
        if (session.getAttachment(SpfAttachments.WOULD_HAVE, State.Transaction).isEmpty()) {
            session.setAttachment(SpfAttachments.WOULD_HAVE, reply, State.Transaction);
            LOGGER.info("SPF dry-run: would have refused {} rcpt={} policy={} reply={}", describe(decision), to, policy.name(), reply);
        }
        return HookResult.DECLINED;
    }

    /** The deciding outcome's inputs and result for a log line. */
    private static String describe(Verdict.Decision decision) {
        return decision.deciding().map(o -> "ip=" + o.request().ip() + " helo=" + Sanitizer.log(o.request().helo()) + " sender="
                + Sanitizer.log(o.request().sender()) + " identity=" + o.request().identity().token() + " result=" + o.result().token())
            .orElse("internal fault") + " action=" + decision.action().token();
    }

    /** The SMTP reply for a refusing decision; DECLINED otherwise. */
    static HookResult refusal(Verdict.Decision decision) {
        Action action = decision.action();
        if (!action.refuses()) {
            return HookResult.DECLINED;
        }
        // Only a fault verdict refuses without a deciding outcome: its reply has no values to fill in.
        String text = decision.deciding().map(o -> ReplyRenderer.render(action, o))
            .orElseGet(() -> action.text().render(Map.of("result", "temperror", "problem", "internal error")));
        return HookResult.builder()
            .hookReturnCode(action.kind() == Action.Kind.REJECT ? HookReturnCode.deny() : HookReturnCode.denySoft())
            .smtpReturnCode(action.code())
            .smtpDescription(action.status() + " " + text)
            .build();
    }
}
