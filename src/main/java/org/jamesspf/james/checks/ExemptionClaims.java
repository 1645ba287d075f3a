package org.jamesspf.james.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jamesspf.james.policy.Exemption;
import org.jamesspf.james.policy.ExemptionRules;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.DomainNames;
import org.jamesspf.spf.IpAddress;

/**
 * The checks that verify a claimed exemption ({@link ExemptionRules}): a listed HELO name, the listed
 * forwarders. They are ordinary checks of the engine, a local policy standing for the domain's record
 * where the claim is not about SPF ({@code v=spf1 a -all} for the addresses, {@code v=spf1 ptr -all}
 * for the forward-confirmed name): the same DNS, caches, fail-fast memory and budgets; a pass exempts,
 * anything else (a verification not done in time included) exempts nothing.
 */
public final class ExemptionClaims {
    /** RFC 7208 5.3: the name's A (or AAAA) records hold the client address. */
    static final String ADDRESSES_HOLD_CLIENT = "v=spf1 a -all";
    /** RFC 7208 5.5: a validated (forward-confirmed) PTR name of the client under the domain. */
    static final String FORWARD_CONFIRMED_NAME = "v=spf1 ptr -all";

    /** A check whose pass exempts the transaction, and what that pass shows. */
    public static final class Claim {
        private final CheckRequest request;
        private final Exemption exemption;

        Claim(CheckRequest request, Exemption.Kind kind, String detail) {
            this.request = request;
            this.exemption = new Exemption(kind, detail);
        }

        /** The check that verifies it. */
        public CheckRequest request() {
            return request;
        }

        /** What a pass of {@link #request} grants. */
        public Exemption exemption() {
            return exemption;
        }
    }

    private final ExemptionRules rules;

    public ExemptionClaims(ExemptionRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /** The claims this client makes by its HELO name, and those of every listed forwarder, in the order they are taken. */
    public List<Claim> of(IpAddress ip, String helo, String receiver) {
        List<Claim> claims = new ArrayList<>();
        if (DomainNames.isValidDomain(helo) && rules.heloNameListed(helo)) {
            claims.add(new Claim(CheckRequest.helo(ip, helo, receiver).withLocalPolicy(ADDRESSES_HOLD_CLIENT),
                Exemption.Kind.VERIFIED_HELO, "HELO " + helo + " resolves to " + ip));
            claims.add(new Claim(CheckRequest.helo(ip, helo, receiver), Exemption.Kind.VERIFIED_HELO,
                "HELO " + helo + " passes SPF for " + ip));
        }
        for (String domain : rules.forwarders()) {
            CheckRequest asDomain = CheckRequest.mailFrom(ip, "postmaster@" + domain, helo, receiver);
            claims.add(new Claim(asDomain, Exemption.Kind.FORWARDER, ip + " passes the SPF of forwarder " + domain));
            claims.add(new Claim(asDomain.withLocalPolicy(FORWARD_CONFIRMED_NAME), Exemption.Kind.FORWARDER,
                ip + " has a forward-confirmed name under forwarder " + domain));
        }
        return claims;
    }
}
