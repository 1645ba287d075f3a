package org.jamesspf.james;

import org.jamesspf.spf.IpAddress;

/**
 * The network a client address belongs to, for fair shares: an IPv4 /24 and an IPv6 /64 by default
 * ({@code <checks><networkPrefixV4>}, {@code <networkPrefixV6>}). One host of an IPv6 /64, or of a
 * /24, cannot multiply its share by using more addresses.
 */
final class ClientNetworks {
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
    String of(IpAddress ip) {
        int prefix = ip.isV6() ? v6Prefix : v4Prefix;
        byte[] bytes = ip.toBytes();
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return IpAddress.fromBytes(bytes) + "/" + prefix;
    }
}
