package org.jamesspf.james.checks;

import org.jamesspf.spf.IpAddress;

/**
 * The network a client address belongs to, for fair shares: an IPv4 /24 and an IPv6 /64 by default
 * ({@code <checks><networkPrefixV4>}, {@code <networkPrefixV6>}). One host of an IPv6 /64, or of a
 * /24, cannot multiply its share by using more addresses.
 */
final class ClientNetworks {
    /** One client network: its first address and prefix length; printed {@code 192.0.2.0/24}. */
    static final class Network {
        private final IpAddress base;
        private final int prefix;

        private Network(IpAddress base, int prefix) {
            this.base = base;
            this.prefix = prefix;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Network && ((Network) o).prefix == prefix && ((Network) o).base.equals(base);
        }

        @Override
        public int hashCode() {
            return base.hashCode() * 31 + prefix;
        }

        @Override
        public String toString() {
            return base + "/" + prefix;
        }
    }

    private final int v4Prefix;
    private final int v6Prefix;

    ClientNetworks(int v4Prefix, int v6Prefix) {
        if (v4Prefix < 0 || v4Prefix > 32 || v6Prefix < 0 || v6Prefix > 128) {
            throw new IllegalArgumentException("prefixes out of range: /" + v4Prefix + ", /" + v6Prefix);
        }
        this.v4Prefix = v4Prefix;
        this.v6Prefix = v6Prefix;
    }

    /** The client's network, e.g. {@code 192.0.2.0/24} or {@code 2001:db8:1:2::/64}. */
    Network of(IpAddress ip) {
        int prefix = ip.isV6() ? v6Prefix : v4Prefix;
        return new Network(ip.network(prefix), prefix);
    }
}
