package org.jamesspf.james;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.apache.james.core.MaybeSender;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.DomainNames;
import org.jamesspf.spf.IpAddress;

/**
 * The {@code <skip>} rules, in one place: which transactions are not held to their SPF result.
 * None is granted on a client's word alone:
 * <ul>
 *   <li>facts of the session (SMTP AUTH, James's authorized addresses, a trusted network) are
 *       James's own knowledge;</li>
 *   <li>a listed HELO name exempts only once verified for the client: its A/AAAA records hold the
 *       client address, or its own SPF check passes;</li>
 *   <li>a listed forwarder domain exempts a client that passes that domain's SPF (postfix-policyd-spf's
 *       {@code Domain_Whitelist}), or whose forward-confirmed reverse name is under it (a PTR name whose
 *       A/AAAA records hold the client address: RFC 7208 5.5's validation, which the PTR-only variant of
 *       policyd-spf lacks);</li>
 *   <li>a sender domain alone is a claim anyone can make: {@code <unverifiedSenderDomains>} says so
 *       in its name, and is empty unless an admin fills it.</li>
 * </ul>
 * The verifications are ordinary checks of the engine (a local policy {@code v=spf1 a -all} or
 * {@code v=spf1 ptr -all} for the addresses and the forward-confirmed name): the same DNS, caches,
 * fail-fast memory and budgets; one not done in time exempts nothing.
 */
final class Exemptions {
    /** RFC 7208 5.3: the name's A (or AAAA) records hold the client address. */
    static final String ADDRESSES_HOLD_CLIENT = "v=spf1 a -all";
    /** RFC 7208 5.5: a validated (forward-confirmed) PTR name of the client under the domain. */
    static final String FORWARD_CONFIRMED_NAME = "v=spf1 ptr -all";

    /** What exempted a transaction. */
    enum Kind {
        AUTHENTICATED,
        RELAYING_ALLOWED,
        TRUSTED_NETWORK,
        UNVERIFIED_SENDER_DOMAIN,
        VERIFIED_HELO,
        FORWARDER,
        /** A gateway's message whose original client could not be read, accepted unchecked by configuration. */
        GATEWAY_UNREADABLE;

        /** The name in metrics, attributes, logs and headers: {@code forwarder}, {@code verified-helo}. */
        String token() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** An exemption that applies, and what showed it. */
    static final class Exemption {
        final Kind kind;
        final String detail;

        Exemption(Kind kind, String detail) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.detail = Objects.requireNonNull(detail, "detail");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Exemption && ((Exemption) o).kind == kind && ((Exemption) o).detail.equals(detail);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, detail);
        }

        @Override
        public String toString() {
            return kind.token() + ": " + detail;
        }
    }

    /** A check whose pass exempts the transaction, and what that pass would show. */
    static final class Candidate {
        final CheckRequest request;
        final Kind kind;
        final String detail;

        Candidate(CheckRequest request, Kind kind, String detail) {
            this.request = request;
            this.kind = kind;
            this.detail = detail;
        }

        Exemption exemption() {
            return new Exemption(kind, detail);
        }
    }

    private final SpfHookConfig config;

    Exemptions(SpfHookConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Exemptions that need no DNS: facts of the session, and the (spoofable) sender-domain list. */
    Optional<Exemption> immediate(boolean authenticated, boolean relayingAllowed, IpAddress ip, MaybeSender sender) {
        if (config.skipAuthenticated() && authenticated) {
            return Optional.of(new Exemption(Kind.AUTHENTICATED, "SMTP AUTH"));
        }
        if (config.skipRelayingAllowed() && relayingAllowed) {
            return Optional.of(new Exemption(Kind.RELAYING_ALLOWED, ip + " is in James's authorized addresses"));
        }
        if (config.trustedNetworks().contains(ip)) {
            return Optional.of(new Exemption(Kind.TRUSTED_NETWORK, ip + " is in <trustedNetworks>"));
        }
        if (!sender.isNullSender() && config.unverifiedSenderDomain(sender.get().getDomain().asString())) {
            return Optional.of(new Exemption(Kind.UNVERIFIED_SENDER_DOMAIN, sender.get().getDomain().asString()
                + " is in <unverifiedSenderDomains> (not verified)"));
        }
        return Optional.empty();
    }

    /** The checks that would verify a claimed exemption for this client: a listed HELO name, the listed forwarders. */
    List<Candidate> candidates(IpAddress ip, String helo, String receiver) {
        List<Candidate> candidates = new ArrayList<>();
        if (DomainNames.isValidDomain(helo) && config.heloNameListed(helo)) {
            candidates.add(new Candidate(CheckRequest.helo(ip, helo, receiver).withLocalPolicy(ADDRESSES_HOLD_CLIENT),
                Kind.VERIFIED_HELO, "HELO " + helo + " resolves to " + ip));
            candidates.add(new Candidate(CheckRequest.helo(ip, helo, receiver), Kind.VERIFIED_HELO, "HELO " + helo + " passes SPF for " + ip));
        }
        for (String domain : config.forwarders()) {
            CheckRequest asDomain = CheckRequest.mailFrom(ip, "postmaster@" + domain, helo, receiver);
            candidates.add(new Candidate(asDomain, Kind.FORWARDER, ip + " passes the SPF of forwarder " + domain));
            candidates.add(new Candidate(asDomain.withLocalPolicy(FORWARD_CONFIRMED_NAME), Kind.FORWARDER,
                ip + " has a forward-confirmed name under forwarder " + domain));
        }
        return candidates;
    }
}
