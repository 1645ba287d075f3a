package org.jamesspf.james.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jamesspf.spf.IpAddress;

/**
 * The {@code <skip>} rules: which transactions are not held to their SPF result. None is granted on
 * a client's word alone:
 * <ul>
 *   <li>facts of the session (SMTP AUTH, James's authorized addresses, a trusted network) are
 *       James's own knowledge, judged here at once ({@link #immediate});</li>
 *   <li>a listed HELO name, and a listed forwarder, exempt only once verified for the client by
 *       checks of the engine (the checks package builds them);</li>
 *   <li>a sender domain alone is a claim anyone can make: {@code <unverifiedSenderDomains>} says so
 *       in its name, and is empty unless an admin fills it.</li>
 * </ul>
 */
public final class ExemptionRules {
    private static final ExemptionRules DEFAULTS = new ExemptionRules(true, true, NetworkList.empty(), DomainList.empty(),
        DomainList.empty(), List.of());

    private final boolean authenticated;
    private final boolean relayingAllowed;
    private final NetworkList trustedNetworks;
    private final DomainList unverifiedSenderDomains;
    private final DomainList heloNames;
    private final List<String> forwarders;

    public ExemptionRules(boolean authenticated, boolean relayingAllowed, NetworkList trustedNetworks,
                          DomainList unverifiedSenderDomains, DomainList heloNames, List<String> forwarders) {
        this.authenticated = authenticated;
        this.relayingAllowed = relayingAllowed;
        this.trustedNetworks = Objects.requireNonNull(trustedNetworks, "trustedNetworks");
        this.unverifiedSenderDomains = Objects.requireNonNull(unverifiedSenderDomains, "unverifiedSenderDomains");
        this.heloNames = Objects.requireNonNull(heloNames, "heloNames");
        this.forwarders = List.copyOf(forwarders);
    }

    /** SMTP AUTH and James's authorized addresses exempt; nothing else. */
    public static ExemptionRules defaults() {
        return DEFAULTS;
    }

    /**
     * The exemption that needs no DNS, if one applies: facts of the session, and the (spoofable)
     * sender-domain list.
     *
     * @param senderDomain the MAIL FROM domain, empty for the null sender
     */
    public Optional<Exemption> immediate(boolean authenticatedSession, boolean relayingAllowedSession, IpAddress ip,
                                         String senderDomain) {
        if (authenticated && authenticatedSession) {
            return Optional.of(new Exemption(Exemption.Kind.AUTHENTICATED, "SMTP AUTH"));
        }
        if (relayingAllowed && relayingAllowedSession) {
            return Optional.of(new Exemption(Exemption.Kind.RELAYING_ALLOWED, ip + " is in James's authorized addresses"));
        }
        if (trustedNetworks.contains(ip)) {
            return Optional.of(new Exemption(Exemption.Kind.TRUSTED_NETWORK, ip + " is in <trustedNetworks>"));
        }
        if (!senderDomain.isEmpty() && unverifiedSenderDomains.contains(senderDomain)) {
            return Optional.of(new Exemption(Exemption.Kind.UNVERIFIED_SENDER_DOMAIN, senderDomain
                + " is in <unverifiedSenderDomains> (not verified)"));
        }
        return Optional.empty();
    }

    /** {@code <skip><authenticated>}. */
    public boolean skipAuthenticated() {
        return authenticated;
    }

    /** {@code <skip><relayingAllowed>}. */
    public boolean skipRelayingAllowed() {
        return relayingAllowed;
    }

    /** {@code <skip><trustedNetworks>}. */
    public NetworkList trustedNetworks() {
        return trustedNetworks;
    }

    /** {@code <skip><unverifiedSenderDomains>}: MAIL FROM domains not checked, on the client's word (spoofable). */
    public boolean unverifiedSenderDomain(String domain) {
        return unverifiedSenderDomains.contains(domain);
    }

    /** {@code <skip><heloNames>}: HELO names exempt once verified for the client. */
    public boolean heloNameListed(String helo) {
        return heloNames.contains(helo);
    }

    /** {@code <skip><forwarders>}: domains whose verified hosts (SPF pass, or a forward-confirmed name under them) are exempt. */
    public List<String> forwarders() {
        return forwarders;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ExemptionRules)) {
            return false;
        }
        ExemptionRules r = (ExemptionRules) o;
        return authenticated == r.authenticated && relayingAllowed == r.relayingAllowed && trustedNetworks.equals(r.trustedNetworks)
            && unverifiedSenderDomains.equals(r.unverifiedSenderDomains) && heloNames.equals(r.heloNames) && forwarders.equals(r.forwarders);
    }

    @Override
    public int hashCode() {
        return Objects.hash(authenticated, relayingAllowed, trustedNetworks, unverifiedSenderDomains, heloNames, forwarders);
    }

    @Override
    public String toString() {
        return "{authenticated=" + authenticated + ", relayingAllowed=" + relayingAllowed + ", trusted=[" + trustedNetworks
            + "], unverifiedSenderDomains=[" + unverifiedSenderDomains + "], heloNames=[" + heloNames + "], forwarders=" + forwarders + "}";
    }
}
