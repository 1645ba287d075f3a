package org.jamesspf.james.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jamesspf.james.config.SpfHookConfig;
import org.jamesspf.james.policy.Exemption;
import org.jamesspf.james.policy.GatewayOrigin;
import org.jamesspf.james.text.Sanitizer;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.DomainNames;
import org.jamesspf.spf.IpAddress;

/**
 * Starts a transaction's checks on the {@link CheckScheduler} as soon as each identity is known
 * (HELO at HELO, MAIL FROM at MAIL), with the checks that verify a claimed exemption; for a trusted
 * gateway's transaction, at the end of DATA, of the client its Received field names. Never waits.
 */
final class TransactionChecks {
    private final SpfHookConfig config;
    private final CheckScheduler scheduler;
    private final SpfMetrics metrics;
    private final ExemptionClaims claims;
    private final ReceivedHops hops;

    TransactionChecks(SpfHookConfig config, CheckScheduler scheduler, SpfMetrics metrics) {
        this.config = config;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.claims = new ExemptionClaims(config.exemptions());
        this.hops = new ReceivedHops(config.gateways());
    }

    /**
     * RFC 7208 11.1: asked only when a new evaluation would start: the connection's budget first
     * (the network's and the domain's the scheduler asks).
     */
    private static Supplier<String> budget(SessionBudget budget) {
        return budget::spend;
    }

    /**
     * At HELO/EHLO: starts the HELO identity's check (RFC 7208 2.3) so that DNS runs while the
     * client sends MAIL FROM. Not for a client exempt by address, nor a gateway (its client is read
     * from the message).
     */
    void prefetchHelo(Transaction t) {
        if (!config.checkHelo() || !DomainNames.isValidDomain(t.helo()) || hops.isGateway(t.ip())
            || config.exemptions().immediate(false, t.relayingAllowed(), t.ip(), "").isPresent()) {
            return;
        }
        scheduler.start(CheckRequest.helo(t.ip(), t.helo(), t.receiver()), budget(t.budget()));
    }

    /** At MAIL FROM: an exemption the session shows, a gateway's transaction (checked at DATA), or the started checks. */
    PendingChecks begin(Transaction t) {
        CheckRequest subject = CheckRequest.mailFrom(t.ip(), t.sender(), t.helo(), t.receiver());
        Optional<Exemption> exemption = config.exemptions().immediate(t.authenticated(), t.relayingAllowed(), t.ip(), t.senderDomain());
        if (exemption.isPresent()) {
            return PendingChecks.exempt(exemption.get(), subject, Optional.empty(), t.budget());
        }
        if (hops.isGateway(t.ip())) {
            return PendingChecks.awaitingMessage(subject, t.budget());
        }
        return start(subject, Optional.empty(), t.budget());
    }

    /**
     * At the end of DATA, for a trusted gateway's transaction: the checks of the client the gateway
     * recorded in its Received field, started; or, when none can be read, the configured action for
     * that (accept, as a recorded exemption; or temperror, with why).
     *
     * @param received the message's Received field values in header order (James's own first)
     */
    PendingChecks atMessage(PendingChecks gatewayPending, List<String> received) {
        CheckRequest seen = gatewayPending.subject;
        GatewayOrigin origin = hops.client(received, seen.ip());
        Optional<IpAddress> client = origin.client();
        metrics.gateway(client.isPresent());
        if (client.isEmpty()) {
            EvaluationLog.LOGGER.info("SPF gateway message unreadable ip={} helo={} sender={} why={} action={}", seen.ip(),
                Sanitizer.log(seen.helo()), Sanitizer.log(seen.sender()), Sanitizer.log(origin.why()),
                config.gatewayUnreadable().token());
            if (config.gatewayUnreadable() == SpfHookConfig.GatewayUnreadable.ACCEPT) {
                return PendingChecks.exempt(new Exemption(Exemption.Kind.GATEWAY_UNREADABLE, "gateway " + seen.ip() + ": " + origin.why()),
                    seen, Optional.of(origin), gatewayPending.budget);
            }
            return PendingChecks.unreadable(seen, origin, gatewayPending.budget);
        }
        // RFC 7208 2.4: the null sender stands for postmaster@HELO: the HELO the original client gave
        CheckRequest original = CheckRequest.mailFrom(client.get(), seen.sender(), origin.helo(), seen.receiver());
        EvaluationLog.LOGGER.info("SPF gateway message ip={} client={} helo={} sender={}", seen.ip(), client.get(),
            Sanitizer.log(origin.helo()), Sanitizer.log(original.sender()));
        return start(original, Optional.of(origin), gatewayPending.budget);
    }

    /** Starts the identities' checks and the verifications of claimed exemptions, for {@code subject}'s client. */
    private PendingChecks start(CheckRequest subject, Optional<GatewayOrigin> gateway, SessionBudget sessionBudget) {
        Supplier<String> budget = budget(sessionBudget);
        List<Ticket> tickets = new ArrayList<>(2);
        for (CheckRequest request : requests(config, subject.ip(), subject.helo(), subject.sender(), subject.receiver())) {
            tickets.add(scheduler.start(request, budget));
        }
        List<ExemptionClaims.Claim> made = claims.of(subject.ip(), subject.helo(), subject.receiver());
        List<Ticket> claimTickets = new ArrayList<>(made.size());
        for (ExemptionClaims.Claim claim : made) {
            claimTickets.add(scheduler.start(claim.request(), budget));
        }
        return PendingChecks.started(subject, tickets, made, claimTickets, gateway, sessionBudget);
    }

    /**
     * The identities a transaction checks, in order. RFC 7208 2.3: HELO when it is a fully
     * qualified domain name; 2.4: MAIL FROM, postmaster@HELO for the null sender ({@code sender} empty).
     */
    static List<CheckRequest> requests(SpfHookConfig config, IpAddress ip, String helo, String sender, String receiver) {
        List<CheckRequest> requests = new ArrayList<>(2);
        if (config.checkHelo() && DomainNames.isValidDomain(helo)) {
            requests.add(CheckRequest.helo(ip, helo, receiver));
        }
        if (config.checkMailFrom()) {
            requests.add(CheckRequest.mailFrom(ip, sender, helo, receiver));
        }
        return requests;
    }
}
