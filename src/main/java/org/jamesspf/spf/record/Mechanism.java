package org.jamesspf.spf.record;

import java.util.Objects;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.macro.MacroString;

/** One mechanism of a record (RFC 7208 5), immutable. */
public final class Mechanism {
    /** The mechanisms of RFC 7208 5.1 to 5.7. */
    public enum Kind {
        ALL(false),
        INCLUDE(true),
        A(true),
        MX(true),
        PTR(true),
        IP4(false),
        IP6(false),
        EXISTS(true);

        private final boolean queriesDns;

        Kind(boolean queriesDns) {
            this.queriesDns = queriesDns;
        }

        /** RFC 7208 4.6.4: whether the term counts toward the limit of 10 DNS-querying terms. */
        public boolean queriesDns() {
            return queriesDns;
        }
    }

    private final Qualifier qualifier;
    private final Kind kind;
    private final MacroString domainSpec;
    private final IpAddress network;
    private final int cidr4;
    private final int cidr6;
    private final String text;

    private Mechanism(Qualifier qualifier, Kind kind, MacroString domainSpec, IpAddress network, int cidr4, int cidr6, String text) {
        this.qualifier = Objects.requireNonNull(qualifier, "qualifier");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.domainSpec = domainSpec;
        this.network = network;
        this.cidr4 = cidr4;
        this.cidr6 = cidr6;
        this.text = Objects.requireNonNull(text, "text");
    }

    static Mechanism of(Qualifier qualifier, Kind kind, MacroString domainSpec, IpAddress network, int cidr4, int cidr6, String text) {
        return new Mechanism(qualifier, kind, domainSpec, network, cidr4, cidr6, text);
    }

    public Qualifier qualifier() {
        return qualifier;
    }

    public Kind kind() {
        return kind;
    }

    /** The domain-spec, or {@code null} when the term has none (then the current domain applies). */
    public MacroString domainSpec() {
        return domainSpec;
    }

    /** The network of ip4/ip6, else {@code null}. */
    public IpAddress network() {
        return network;
    }

    /** IPv4 prefix length (32 when not given). */
    public int cidr4() {
        return cidr4;
    }

    /** IPv6 prefix length (128 when not given). */
    public int cidr6() {
        return cidr6;
    }

    /** RFC 7208 5.6: whether ip4/ip6 covers {@code client} (ip4 never matches an IPv6 client, nor ip6 an IPv4 one). */
    public boolean covers(IpAddress client) {
        return network != null && client.isIn(network, prefixFor(network));
    }

    /** RFC 7208 5.3, 5.4: the dual-cidr-length that applies to an address of {@code address}'s family. */
    public int prefixFor(IpAddress address) {
        return address.isV6() ? cidr6 : cidr4;
    }

    /** The term as written in the record. */
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Mechanism)) {
            return false;
        }
        Mechanism m = (Mechanism) o;
        return qualifier == m.qualifier && kind == m.kind && cidr4 == m.cidr4 && cidr6 == m.cidr6
            && Objects.equals(domainSpec, m.domainSpec) && Objects.equals(network, m.network) && text.equals(m.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(qualifier, kind, domainSpec, network, cidr4, cidr6, text);
    }

    @Override
    public String toString() {
        return text;
    }
}
