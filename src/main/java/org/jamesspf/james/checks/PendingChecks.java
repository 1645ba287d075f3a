package org.jamesspf.james.checks;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jamesspf.james.policy.Exemption;
import org.jamesspf.james.policy.GatewayOrigin;
import org.jamesspf.spf.CheckRequest;

/**
 * A transaction's checks after MAIL FROM: exempt at once, waiting for a trusted gateway's message,
 * or started (the identities' checks, and those verifying a claimed exemption). Kept with the
 * transaction until its verdict is final.
 */
public final class PendingChecks {
    final Optional<Exemption> exemption;
    /** The MAIL FROM request of the transaction (the client as seen, or as a gateway recorded it). */
    final CheckRequest subject;
    final List<Ticket> tickets;
    /** Checks whose pass would exempt the transaction, in the order of {@link ExemptionClaims#of}. */
    final List<ExemptionClaims.Claim> claims;
    final List<Ticket> claimTickets;
    /** For a trusted gateway's session: empty until its message is there, then what its Received fields gave. */
    final Optional<GatewayOrigin> gateway;
    final SessionBudget budget;
    private final boolean awaitsMessage;
    /** Set once its exemption has been logged and counted: one line per transaction, not per RCPT. */
    final AtomicBoolean reported = new AtomicBoolean();

    private PendingChecks(Optional<Exemption> exemption, CheckRequest subject, List<Ticket> tickets, List<ExemptionClaims.Claim> claims,
                          List<Ticket> claimTickets, Optional<GatewayOrigin> gateway, SessionBudget budget, boolean awaitsMessage) {
        this.exemption = exemption;
        this.subject = subject;
        this.tickets = List.copyOf(tickets);
        this.claims = List.copyOf(claims);
        this.claimTickets = List.copyOf(claimTickets);
        this.gateway = gateway;
        this.budget = budget;
        this.awaitsMessage = awaitsMessage;
    }

    /** Not held to SPF: nothing started. */
    static PendingChecks exempt(Exemption exemption, CheckRequest subject, Optional<GatewayOrigin> gateway, SessionBudget budget) {
        return new PendingChecks(Optional.of(exemption), subject, List.of(), List.of(), List.of(), gateway, budget, false);
    }

    /** A trusted gateway's transaction before its message: nothing to enforce until the end of DATA. */
    static PendingChecks awaitingMessage(CheckRequest subject, SessionBudget budget) {
        return new PendingChecks(Optional.empty(), subject, List.of(), List.of(), List.of(), Optional.empty(), budget, true);
    }

    /** A gateway's message whose client could not be read (temperror configured for it): nothing started. */
    static PendingChecks unreadable(CheckRequest subject, GatewayOrigin origin, SessionBudget budget) {
        return new PendingChecks(Optional.empty(), subject, List.of(), List.of(), List.of(), Optional.of(origin), budget, false);
    }

    /** The identities' checks and the claims' verifications, started. */
    static PendingChecks started(CheckRequest subject, List<Ticket> tickets, List<ExemptionClaims.Claim> claims, List<Ticket> claimTickets,
                                 Optional<GatewayOrigin> gateway, SessionBudget budget) {
        return new PendingChecks(Optional.empty(), subject, tickets, claims, claimTickets, gateway, budget, false);
    }

    /** Whether its checks wait for the end of DATA (a trusted gateway's session). */
    public boolean awaitsMessage() {
        return awaitsMessage;
    }
}
