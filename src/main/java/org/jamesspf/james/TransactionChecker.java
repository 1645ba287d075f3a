package org.jamesspf.james;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.Identity;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.DomainNames;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.SpfResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks of one SMTP transaction: skips, the HELO and MAIL FROM identities started on the
 * {@link CheckScheduler} as soon as they are known, then resolved into a {@link Verdict} at the
 * enforcement point within the wait bound. One INFO line per evaluation, one per pending action.
 */
final class TransactionChecker {
    // Logged under the hook's name: admins filter on one logger for all SPF lines.
    private static final Logger LOGGER = LoggerFactory.getLogger(SpfHook.class);
    /** The problem text of an identity whose check was not done in time. */
    static final String PENDING_PROBLEM = "SPF check still in progress";

    private final SpfHookConfig config;
    private final CheckScheduler scheduler;
    private final SpfMetrics metrics;
    private final Exemptions exemptions;
    private final ReceivedHops hops;
    /** "pending" and "not run" lines: at most one per client network per minute each. */
    private final LogLimiter pendingLines;
    private final LogLimiter notRunLines;

    /** Evaluations started on this connection. */
    static final org.apache.james.protocols.api.ProtocolSession.AttachmentKey<java.util.concurrent.atomic.AtomicInteger> SESSION_CHECKS =
        org.apache.james.protocols.api.ProtocolSession.AttachmentKey.of("org.jamesspf.spf.sessionChecks",
            java.util.concurrent.atomic.AtomicInteger.class);

    TransactionChecker(SpfHookConfig config, CheckScheduler scheduler, SpfMetrics metrics, java.util.function.LongSupplier nanoTime) {
        this.config = config;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.exemptions = new Exemptions(config);
        this.hops = new ReceivedHops(config.gateways());
        this.pendingLines = new LogLimiter(nanoTime);
        this.notRunLines = new LogLimiter(nanoTime);
    }

    /**
     * RFC 7208 11.1: a client must not turn us into a DNS amplifier by RSET and MAIL FROM in a loop:
     * new evaluations per connection are capped (per network and per domain the scheduler counts).
     * Asked only when a new evaluation would start; null to allow it, else why not.
     */
    private java.util.function.Supplier<String> budget(SMTPSession session) {
        return () -> {
            java.util.concurrent.atomic.AtomicInteger sessionChecks = session.getAttachment(SESSION_CHECKS, State.Connection).orElse(null);
            if (sessionChecks == null) {
                sessionChecks = new java.util.concurrent.atomic.AtomicInteger();
                session.setAttachment(SESSION_CHECKS, sessionChecks, State.Connection);
            }
            if (sessionChecks.get() >= config.checks().maxChecksPerSession()) {
                return "more than " + config.checks().maxChecksPerSession() + " checks on this connection";
            }
            sessionChecks.incrementAndGet();
            return null;
        };
    }

    /** A transaction's checks after MAIL FROM: exempt, waiting for the gateway's message, or started. */
    static final class Pending {
        final Optional<Exemptions.Exemption> exemption;
        /** The MAIL FROM request of the transaction (the client as seen, or as a gateway recorded it). */
        final CheckRequest subject;
        final List<CheckScheduler.Ticket> tickets;
        /** Checks whose pass would exempt the transaction, in the order of {@link Exemptions#candidates}. */
        final List<Exemptions.Candidate> candidates;
        final List<CheckScheduler.Ticket> candidateTickets;
        /**
         * For a trusted gateway's session: empty until its message is there (the checks wait for it),
         * then what its Received fields gave (the original client, or why none).
         */
        final Optional<ReceivedHops.Result> gateway;
        private final boolean awaitsMessage;
        /** Set once its exemption has been logged and counted: one line per transaction, not per RCPT. */
        final java.util.concurrent.atomic.AtomicBoolean reported = new java.util.concurrent.atomic.AtomicBoolean();

        private Pending(Optional<Exemptions.Exemption> exemption, CheckRequest subject, List<CheckScheduler.Ticket> tickets,
                        List<Exemptions.Candidate> candidates, List<CheckScheduler.Ticket> candidateTickets,
                        Optional<ReceivedHops.Result> gateway) {
            this(exemption, subject, tickets, candidates, candidateTickets, gateway, false);
        }

        private Pending(Optional<Exemptions.Exemption> exemption, CheckRequest subject, List<CheckScheduler.Ticket> tickets,
                        List<Exemptions.Candidate> candidates, List<CheckScheduler.Ticket> candidateTickets,
                        Optional<ReceivedHops.Result> gateway, boolean awaitsMessage) {
            this.exemption = exemption;
            this.subject = subject;
            this.tickets = List.copyOf(tickets);
            this.candidates = List.copyOf(candidates);
            this.candidateTickets = List.copyOf(candidateTickets);
            this.gateway = gateway;
            this.awaitsMessage = awaitsMessage;
        }

        /** A trusted gateway's transaction before its message: nothing to enforce until the end of DATA. */
        static Pending awaitingMessage(CheckRequest subject) {
            return new Pending(Optional.empty(), subject, List.of(), List.of(), List.of(), Optional.empty(), true);
        }

        /** Whether its checks wait for the end of DATA (a trusted gateway's session). */
        boolean awaitsMessage() {
            return awaitsMessage;
        }
    }

    /**
     * At HELO/EHLO: start the HELO identity's check (RFC 7208 2.3) so that DNS runs while the
     * client sends MAIL FROM. Unless the client is exempt by address, or a gateway (whose client is
     * read from the message).
     */
    void prefetchHelo(SMTPSession session, String helo) {
        if (!config.checkHelo() || !DomainNames.isValidDomain(helo)) {
            return;
        }
        IpAddress ip = clientAddress(session);
        if ((config.skipRelayingAllowed() && session.isRelayingAllowed()) || config.trustedNetworks().contains(ip)
            || hops.isGateway(ip)) {
            return;
        }
        scheduler.start(CheckRequest.helo(ip, helo, receiver(session)), budget(session));
    }

    /** At MAIL FROM: an exemption the session shows, a gateway's transaction (checked at DATA), or the started checks. Never waits. */
    Pending begin(SMTPSession session, MaybeSender sender) {
        IpAddress ip = clientAddress(session);
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse("");
        String senderText = sender.isNullSender() ? "" : sender.asString();
        String receiver = receiver(session);
        CheckRequest subject = CheckRequest.mailFrom(ip, senderText, helo, receiver);
        Optional<Exemptions.Exemption> exemption = exemptions.immediate(session.getUsername() != null, session.isRelayingAllowed(), ip,
            sender);
        if (exemption.isPresent()) {
            Pending pending = new Pending(exemption, subject, List.of(), List.of(), List.of(), Optional.empty());
            reportExemption(pending, exemption.get());
            return pending;
        }
        if (hops.isGateway(ip)) {
            return Pending.awaitingMessage(subject);
        }
        return start(session, subject, Optional.empty());
    }

    /**
     * At the end of DATA, for a trusted gateway's transaction: the checks of the client the gateway
     * recorded in its Received field, started; or, when none can be read, the configured action
     * for that (accept, as a recorded exemption; or temperror, with why).
     *
     * @param received the message's Received field values in header order (James's own first)
     */
    Pending atMessage(SMTPSession session, Pending gatewayPending, List<String> received) {
        CheckRequest seen = gatewayPending.subject;
        ReceivedHops.Result read = hops.client(received, seen.ip());
        if (read.client().isEmpty()) {
            metrics.gateway(false);
            LOGGER.info("SPF gateway message unreadable ip={} helo={} sender={} why={} action={}", seen.ip(), Sanitizer.log(seen.helo()),
                Sanitizer.log(seen.sender()), Sanitizer.log(read.why()), config.gatewayUnreadable().token());
            if (config.gatewayUnreadable() == SpfHookConfig.GatewayUnreadable.ACCEPT) {
                Exemptions.Exemption accepted = new Exemptions.Exemption(Exemptions.Kind.GATEWAY_UNREADABLE,
                    "gateway " + seen.ip() + ": " + read.why());
                Pending pending = new Pending(Optional.of(accepted), seen, List.of(), List.of(), List.of(), Optional.of(read));
                reportExemption(pending, accepted);
                return pending;
            }
            return new Pending(Optional.empty(), seen, List.of(), List.of(), List.of(), Optional.of(read));
        }
        metrics.gateway(true);
        ReceivedHops.Client client = read.client().get();
        // RFC 7208 2.4: the null sender stands for postmaster@HELO: the HELO the original client gave
        CheckRequest original = CheckRequest.mailFrom(client.ip, seen.sender(), client.helo, seen.receiver());
        LOGGER.info("SPF gateway message ip={} client={} helo={} sender={}", seen.ip(), client.ip, Sanitizer.log(client.helo),
            Sanitizer.log(original.sender()));
        return start(session, original, Optional.of(read));
    }

    /** Starts the identities' checks and the verifications of claimed exemptions, for {@code subject}'s client. */
    private Pending start(SMTPSession session, CheckRequest subject, Optional<ReceivedHops.Result> gateway) {
        java.util.function.Supplier<String> budget = budget(session);
        String senderText = subject.sender();
        List<CheckScheduler.Ticket> tickets = new ArrayList<>(2);
        for (CheckRequest request : requests(config, subject.ip(), subject.helo(), senderText, subject.receiver())) {
            tickets.add(scheduler.start(request, budget));
        }
        List<Exemptions.Candidate> candidates = exemptions.candidates(subject.ip(), subject.helo(), subject.receiver());
        List<CheckScheduler.Ticket> candidateTickets = new ArrayList<>(candidates.size());
        for (Exemptions.Candidate candidate : candidates) {
            candidateTickets.add(scheduler.start(candidate.request, budget));
        }
        return new Pending(Optional.empty(), subject, tickets, candidates, candidateTickets, gateway);
    }

    /** The exemption's one log line and metric, once per transaction. */
    private void reportExemption(Pending pending, Exemptions.Exemption exemption) {
        if (!pending.reported.compareAndSet(false, true)) {
            return;
        }
        CheckRequest q = pending.subject;
        LOGGER.info("SPF exempt ip={} helo={} sender={} exemption={} detail={}", q.ip(), Sanitizer.log(q.helo()), Sanitizer.log(q.sender()),
            exemption.kind.token(), Sanitizer.log(exemption.detail));
        metrics.exempt(exemption.kind);
    }

    /**
     * The identities a transaction checks, in order. RFC 7208 2.3: HELO when it is a fully
     * qualified domain name; 2.4: MAIL FROM, postmaster@HELO for the null sender ({@code senderText} empty).
     */
    static List<CheckRequest> requests(SpfHookConfig config, IpAddress ip, String helo, String senderText, String receiver) {
        List<CheckRequest> requests = new ArrayList<>(2);
        if (config.checkHelo() && DomainNames.isValidDomain(helo)) {
            requests.add(CheckRequest.helo(ip, helo, receiver));
        }
        if (config.checkMailFrom()) {
            requests.add(CheckRequest.mailFrom(ip, senderText, helo, receiver));
        }
        return requests;
    }

    /**
     * The verdict, waiting at most {@code maxWaitNanos} in all for the checks (a check not done by
     * then is marked, so the next enforcement point does not wait for it again). A check still
     * running is {@link Verdict.State#PENDING} (its policy's pending action applies, and
     * {@link Verdict#isPending()} says to resolve again later); one never started (a cap, the
     * budget) is {@link Verdict.State#NOT_RUN}: the pending action too, never a refusal for a check
     * not made. Each ticket's pending or not-run state is logged once, and at most one such line per
     * client network and minute (the next says how many were held back).
     */
    Verdict resolve(Pending pending, long maxWaitNanos) {
        if (pending.exemption.isPresent()) {
            Verdict exempt = Verdict.exempt(pending.exemption.get(), pending.subject);
            return pending.gateway.map(exempt::viaGateway).orElse(exempt);
        }
        if (pending.awaitsMessage()) {
            throw new IllegalStateException("a gateway's transaction is resolved at the end of DATA");
        }
        if (pending.gateway.isPresent() && pending.gateway.get().client().isEmpty()) {
            // a gateway's message whose client could not be read, and temperror configured for it
            return Verdict.of(List.of(CheckOutcome.of(pending.subject, SpfResult.TEMPERROR, Reason.GATEWAY_UNREADABLE,
                "the client the gateway recorded cannot be read: " + pending.gateway.get().why()))).viaGateway(pending.gateway.get());
        }
        org.apache.james.metrics.api.TimeMetric waited = metrics.waitTimer();
        long deadline = System.nanoTime() + maxWaitNanos;
        // RFC 7208 leaves local policy to the receiver: a verified exemption (a pass of one of its checks) wins
        boolean verifying = false;
        for (int i = 0; i < pending.candidateTickets.size(); i++) {
            Optional<CheckOutcome> verified = scheduler.await(pending.candidateTickets.get(i), deadline - System.nanoTime());
            if (verified.isPresent() && verified.get().result() == SpfResult.PASS) {
                waited.stopAndPublish();
                Exemptions.Exemption exemption = pending.candidates.get(i).exemption();
                reportExemption(pending, exemption);
                Verdict exempt = Verdict.exempt(exemption, pending.subject);
                return pending.gateway.map(exempt::viaGateway).orElse(exempt);
            }
            verifying |= verified.isEmpty() && pending.candidateTickets.get(i).notStarted().isEmpty();
        }
        List<CheckOutcome> outcomes = new ArrayList<>(2);
        List<Verdict.State> states = new ArrayList<>(2);
        for (CheckScheduler.Ticket ticket : pending.tickets) {
            boolean readyBefore = ticket.isReady();
            Optional<CheckOutcome> done = scheduler.await(ticket, deadline - System.nanoTime());
            CheckRequest q = ticket.request;
            if (done.isPresent()) {
                outcomes.add(done.get());
                states.add(Verdict.State.DONE);
                if (readyBefore) {
                    metrics.ready();
                } else {
                    metrics.answeredInTime();
                }
            } else if (ticket.notStarted().isPresent()) {
                boolean budget = ticket.notStarted().get() == CheckScheduler.NotStarted.BUDGET;
                outcomes.add(CheckOutcome.of(q, SpfResult.TEMPERROR, budget ? Reason.BUDGET_EXCEEDED : Reason.NOT_STARTED,
                    "check not run: " + ticket.why()));
                states.add(Verdict.State.NOT_RUN);
                if (budget) {
                    metrics.budgetExceeded();
                } else {
                    metrics.pendingApplied();
                }
                report(ticket, notRunLines, "SPF check not run");
            } else {
                // Headers written now say temperror for this identity, with why.
                outcomes.add(CheckOutcome.of(q, SpfResult.TEMPERROR, Reason.NOT_DONE_IN_TIME, PENDING_PROBLEM));
                states.add(Verdict.State.PENDING);
                metrics.pendingApplied();
                report(ticket, pendingLines, "SPF check pending");
            }
        }
        waited.stopAndPublish();
        Verdict verdict = Verdict.of(outcomes, states);
        if (pending.gateway.isPresent()) {
            verdict = verdict.viaGateway(pending.gateway.get());
        }
        return verifying ? verdict.withExemptionPending() : verdict;
    }

    /** The ticket's one line, when its client network has not had one this minute. */
    private void report(CheckScheduler.Ticket ticket, LogLimiter limiter, String what) {
        if (!ticket.firstReport()) {
            return;
        }
        CheckRequest q = ticket.request;
        ClientNetworks.Network network = scheduler.network(q);
        int heldBack = limiter.permit(network);
        if (heldBack < 0) {
            return;
        }
        LOGGER.info("{} ip={} helo={} sender={} identity={} domain={} why={}{}", what, q.ip(), Sanitizer.log(q.helo()),
            Sanitizer.log(q.sender()), q.identity().token(), Sanitizer.log(q.domain()),
            ticket.why().isEmpty() ? "not done within " + config.checks().maxWait().toMillis() + " ms" : ticket.why(),
            heldBack > 0 ? " (" + heldBack + " more such lines from " + network + " held back in the last minute)" : "");
    }

    SpfMetrics metrics() {
        return metrics;
    }

    /** One INFO line per evaluation, with its inputs, result and why; the trace at DEBUG. */
    void logEvaluation(CheckOutcome o) {
        CheckRequest q = o.request();
        Action action = config.actions().actionFor(q.identity(), o.result());
        LOGGER.info("SPF check ip={} helo={} sender={} identity={} domain={} result={} reason={} term={} action={} lookups={} void={}"
            + " ms={} queries={}",
            q.ip(), Sanitizer.log(q.helo()), Sanitizer.log(q.sender()), q.identity().token(), Sanitizer.log(o.domain()),
            o.result().token(), o.reason(), Sanitizer.log(o.term()), action.token(), o.dnsLookups(), o.voidLookups(),
            o.elapsedNanos() / 1_000_000, o.dnsQueries());
        if (LOGGER.isDebugEnabled()) {
            LOGGER.debug("SPF trace for {} {}: problem={} explanation={} trace={}", q.identity().token(), Sanitizer.log(o.domain()),
                Sanitizer.log(o.problem()), Sanitizer.log(o.explanation()), Sanitizer.replyText(o.trace().toString(), 4000));
        }
    }

    /**
     * The verdict after an internal fault: temperror for the MAIL FROM identity of the real
     * transaction (client address, sender, HELO), so headers in tag-only setups say what was
     * checked; no outcome at all (so no header) when even those cannot be read.
     */
    Verdict fault(SMTPSession session, MaybeSender sender) {
        metrics.fault();
        CheckRequest request;
        try {
            String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse("");
            String senderText = sender == null || sender.isNullSender() ? "" : sender.asString();
            request = CheckRequest.mailFrom(clientAddress(session), senderText, helo).withReceiver(receiver(session));
        } catch (RuntimeException e) {
            // Already on the fault path: log and fall back to a verdict without outcomes.
            LOGGER.warn("SPF: could not read the transaction after an internal fault: {}", e.toString());
            return Verdict.unreadableFault();
        }
        return Verdict.of(List.of(CheckOutcome.of(request, SpfResult.TEMPERROR, Reason.INTERNAL_ERROR, "internal error")));
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
    String receiver(SMTPSession session) {
        return config.authservId().orElseGet(() -> session.getConfiguration().getHelloName());
    }
}
