package org.jamesspf.james;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
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
 * The checks of one SMTP transaction: skips, the HELO and MAIL FROM identities, the action
 * chosen, one INFO line per check. Shared by all sessions; per-connection outcomes live in the
 * session's {@link SpfAttachments#CACHE}.
 */
final class TransactionChecker {
    // Logged under the hook's name: admins filter on one logger for all SPF lines.
    private static final Logger LOGGER = LoggerFactory.getLogger(SpfHook.class);

    private final SpfHookConfig config;
    private final SpfChecker checker;

    TransactionChecker(SpfHookConfig config, SpfChecker checker) {
        this.config = config;
        this.checker = checker;
    }

    /**
     * The verdict after an internal fault: temperror for the MAIL FROM identity of the real
     * transaction (client address, sender, HELO), so headers in tag-only setups say what was
     * checked; no outcome at all (so no header) when even those cannot be read.
     */
    Verdict fault(SMTPSession session, MaybeSender sender) {
        Action action = config.actions().actionFor(Identity.MAILFROM, SpfResult.TEMPERROR);
        CheckRequest request;
        try {
            String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse("");
            request = CheckRequest.mailFrom(clientAddress(session), sender.isNullSender() ? "" : sender.asString(), helo)
                .withReceiver(receiver(session));
        } catch (RuntimeException e) {
            // Already on the fault path: log and fall back to a verdict without outcomes.
            LOGGER.warn("SPF: could not read the transaction after an internal fault: {}", e.toString());
            return Verdict.fault(action);
        }
        CheckOutcome fault = CheckOutcome.of(request, SpfResult.TEMPERROR, Reason.INTERNAL_ERROR, "internal error");
        return Verdict.of(List.of(fault), action, Optional.of(fault));
    }

    /** Runs the checks of one transaction (or finds them skipped) and picks the action. */
    Verdict decide(SMTPSession session, MaybeSender sender) {
        IpAddress ip = clientAddress(session);
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse("");
        String senderText = sender.isNullSender() ? "" : sender.asString();
        Optional<String> skip = skipReason(config, session, ip, helo, sender);
        if (skip.isPresent()) {
            LOGGER.info("SPF skipped ip={} helo={} sender={} reason={}", ip, Sanitizer.log(helo), Sanitizer.log(senderText), skip.get());
            return Verdict.skipped(skip.get());
        }
        String receiver = receiver(session);
        List<CheckOutcome> outcomes = new ArrayList<>(2);
        Action action = Action.accept();
        CheckOutcome deciding = null;
        List<CheckRequest> requests = new ArrayList<>(2);
        // RFC 7208 2.3: HELO is checked when it is a FQDN; 2.4: MAIL FROM, postmaster@HELO for <>.
        if (config.checkHelo() && SpfChecker.isValidDomain(helo)) {
            requests.add(CheckRequest.helo(ip, helo).withReceiver(receiver));
        }
        if (config.checkMailFrom()) {
            requests.add(CheckRequest.mailFrom(ip, senderText, helo).withReceiver(receiver));
        }
        for (CheckRequest request : requests) {
            CheckOutcome outcome = check(session, request);
            outcomes.add(outcome);
            Action a = config.actions().actionFor(request.identity(), outcome.result());
            // a HELO refusal stands even when MAIL FROM passes; the more severe action wins
            if (a.kind().outranks(action.kind())) {
                action = a;
                deciding = outcome;
            }
        }
        return Verdict.of(outcomes, action, Optional.ofNullable(deciding));
    }

    private CheckOutcome check(SMTPSession session, CheckRequest request) {
        SpfAttachments.OutcomeCache cache = session.getAttachment(SpfAttachments.CACHE, State.Connection).orElse(null);
        if (cache == null) {
            cache = new SpfAttachments.OutcomeCache();
            session.setAttachment(SpfAttachments.CACHE, cache, State.Connection);
        }
        CheckOutcome cached = cache.get(request);
        if (cached != null) {
            LOGGER.debug("SPF outcome reused on this connection: {} {}", request.identity().token(), Sanitizer.log(cached.domain()));
            return cached;
        }
        CheckOutcome outcome = checker.checkHost(request);
        // A temperror is a passing state of DNS: a retry after RSET must look again, not reuse it.
        if (outcome.result() != SpfResult.TEMPERROR) {
            cache.put(request, outcome);
        }
        log(outcome, config.actions().actionFor(request.identity(), outcome.result()));
        return outcome;
    }

    /** One INFO line per evaluation, with its inputs, result and why; the trace at DEBUG. */
    private static void log(CheckOutcome o, Action action) {
        CheckRequest q = o.request();
        LOGGER.info("SPF check ip={} helo={} sender={} identity={} domain={} result={} reason={} term={} action={} lookups={} void={} ms={}",
            q.ip(), Sanitizer.log(q.helo()), Sanitizer.log(q.sender()), q.identity().token(), Sanitizer.log(o.domain()),
            o.result().token(), o.reason(), Sanitizer.log(o.term()), action.token(), o.dnsLookups(), o.voidLookups(),
            o.elapsedNanos() / 1_000_000);
        if (LOGGER.isDebugEnabled()) {
            LOGGER.debug("SPF trace for {} {}: problem={} explanation={} trace={}", q.identity().token(), Sanitizer.log(o.domain()),
                Sanitizer.log(o.problem()), Sanitizer.log(o.explanation()), Sanitizer.replyText(o.trace().toString(), 4000));
        }
    }

    private static Optional<String> skipReason(SpfHookConfig config, SMTPSession session, IpAddress ip, String helo, MaybeSender sender) {
        if (config.skipAuthenticated() && session.getUsername() != null) {
            return Optional.of("authenticated");
        }
        if (config.skipRelayingAllowed() && session.isRelayingAllowed()) {
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
        InetSocketAddress address = session.getRemoteAddress();
        return IpAddress.fromBytes(address.getAddress().getAddress()).unmapped();
    }

    /** The receiver's name: the configured authserv-id, else James's hello name. */
    String receiver(SMTPSession session) {
        return config.authservId().orElseGet(() -> session.getConfiguration().getHelloName());
    }
}
