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

    /** A transaction's checks after MAIL FROM: skipped, or started. */
    static final class Pending {
        final Optional<String> skipReason;
        final List<CheckScheduler.Ticket> tickets;

        private Pending(Optional<String> skipReason, List<CheckScheduler.Ticket> tickets) {
            this.skipReason = skipReason;
            this.tickets = List.copyOf(tickets);
        }
    }

    /**
     * At HELO/EHLO: start the HELO identity's check (RFC 7208 2.3) so that DNS runs while the
     * client sends MAIL FROM. Unless the client is exempt by address or by HELO name.
     */
    void prefetchHelo(SMTPSession session, String helo) {
        if (!config.checkHelo() || !DomainNames.isValidDomain(helo)) {
            return;
        }
        IpAddress ip = clientAddress(session);
        if ((config.skipRelayingAllowed() && session.isRelayingAllowed()) || config.trustedNetworks().contains(ip)
            || config.heloAllowed(helo)) {
            return;
        }
        scheduler.start(CheckRequest.helo(ip, helo, receiver(session)), budget(session));
    }

    /** At MAIL FROM: the skip reason, or the started checks. Never waits. */
    Pending begin(SMTPSession session, MaybeSender sender) {
        IpAddress ip = clientAddress(session);
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse("");
        String senderText = sender.isNullSender() ? "" : sender.asString();
        Optional<String> skip = skipReason(config, session.getUsername() != null, session.isRelayingAllowed(), ip, helo, sender);
        if (skip.isPresent()) {
            LOGGER.info("SPF skipped ip={} helo={} sender={} reason={}", ip, Sanitizer.log(helo), Sanitizer.log(senderText), skip.get());
            metrics.skipped(skip.get());
            return new Pending(skip, List.of());
        }
        List<CheckScheduler.Ticket> tickets = new ArrayList<>(2);
        java.util.function.Supplier<String> budget = budget(session);
        for (CheckRequest request : requests(config, ip, helo, senderText, receiver(session))) {
            tickets.add(scheduler.start(request, budget));
        }
        return new Pending(Optional.empty(), tickets);
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
        if (pending.skipReason.isPresent()) {
            return Verdict.skipped(pending.skipReason.get());
        }
        org.apache.james.metrics.api.TimeMetric waited = metrics.waitTimer();
        long deadline = System.nanoTime() + maxWaitNanos;
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
        return Verdict.of(outcomes, states);
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

    /** Why a transaction is not checked (the {@code <skip>} settings), if so. */
    static Optional<String> skipReason(SpfHookConfig config, boolean authenticated, boolean relayingAllowed, IpAddress ip, String helo,
                                       MaybeSender sender) {
        if (config.skipAuthenticated() && authenticated) {
            return Optional.of("authenticated");
        }
        if (config.skipRelayingAllowed() && relayingAllowed) {
            return Optional.of("relaying-allowed");
        }
        if (config.trustedNetworks().contains(ip)) {
            return Optional.of("trusted-network");
        }
        if (!sender.isNullSender() && config.senderDomainAllowed(sender.get().getDomain().asString())) {
            return Optional.of("sender-domain-allowlist");
        }
        if (!helo.isEmpty() && config.heloAllowed(helo)) {
            return Optional.of("helo-allowlist");
        }
        return Optional.empty();
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
