package org.jamesspf.james.checks;

import java.util.Objects;
import org.jamesspf.spf.IpAddress;

/**
 * One SMTP transaction as the checks see it: who connected (RFC 7208 5: an IPv4-mapped address is
 * checked as IPv4), what it said, what James knows of it, and its connection's budget of checks.
 */
public final class Transaction {
    private final IpAddress ip;
    private final String helo;
    private final String sender;
    private final String senderDomain;
    private final String receiver;
    private final boolean authenticated;
    private final boolean relayingAllowed;
    private final SessionBudget budget;

    /**
     * @param sender       the MAIL FROM address, "" for the null sender (and before MAIL FROM)
     * @param senderDomain its domain, "" for the null sender
     * @param receiver     the receiver's name (authserv-id, else James's hello name)
     */
    public Transaction(IpAddress ip, String helo, String sender, String senderDomain, String receiver, boolean authenticated,
                       boolean relayingAllowed, SessionBudget budget) {
        this.ip = Objects.requireNonNull(ip, "ip").unmapped();
        this.helo = Objects.requireNonNull(helo, "helo");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.senderDomain = Objects.requireNonNull(senderDomain, "senderDomain");
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.authenticated = authenticated;
        this.relayingAllowed = relayingAllowed;
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    public IpAddress ip() {
        return ip;
    }

    public String helo() {
        return helo;
    }

    public String sender() {
        return sender;
    }

    public String senderDomain() {
        return senderDomain;
    }

    public String receiver() {
        return receiver;
    }

    /** SMTP AUTH succeeded on this connection. */
    public boolean authenticated() {
        return authenticated;
    }

    /** The client is in James's authorized addresses. */
    public boolean relayingAllowed() {
        return relayingAllowed;
    }

    SessionBudget budget() {
        return budget;
    }
}
