package org.jamesspf.spf;

/**
 * An IPv4 or IPv6 address held as primitive values, parsed strictly and without exceptions.
 *
 * <p>IPv4 is kept in the low 32 bits of {@code lo}. Parsing accepts only ASCII digits, no
 * leading zeros in dotted quads (RFC 7208 12, {@code qnum}) and no {@code %scope}.
 */
public final class IpAddress {
    private final boolean v6;
    private final long hi;
    private final long lo;

    private IpAddress(boolean v6, long hi, long lo) {
        this.v6 = v6;
        this.hi = hi;
        this.lo = lo;
    }

    /** An IPv4 address from its 32-bit value. */
    public static IpAddress ofV4(int value) {
        return new IpAddress(false, 0, value & 0xFFFFFFFFL);
    }

    /** An IPv6 address from its two 64-bit halves. */
    public static IpAddress ofV6(long hi, long lo) {
        return new IpAddress(true, hi, lo);
    }

    /** An address from 4 or 16 network-order bytes. */
    public static IpAddress fromBytes(byte[] bytes) {
        if (bytes.length == 4) {
            return ofV4(((bytes[0] & 0xFF) << 24) | ((bytes[1] & 0xFF) << 16) | ((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF));
        }
        if (bytes.length == 16) {
            long h = 0;
            long l = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (bytes[i] & 0xFF);
                l = (l << 8) | (bytes[i + 8] & 0xFF);
            }
            return ofV6(h, l);
        }
        throw new IllegalArgumentException("address must have 4 or 16 bytes, got " + bytes.length);
    }

    /**
     * Parses an IPv4 dotted quad or an IPv6 address (RFC 4291 2.2 text forms).
     *
     * @return the address, or {@code null} when {@code text} is not one
     */
    public static IpAddress parseOrNull(CharSequence text) {
        if (text == null) {
            return null;
        }
        IpAddress v4 = parseV4OrNull(text, 0, text.length());
        return v4 != null ? v4 : parseV6OrNull(text, 0, text.length());
    }

    /** Parses {@code text}, throwing an IAE quoting it when it is no address: for trusted input. */
    public static IpAddress parse(String text) {
        IpAddress address = parseOrNull(text);
        if (address == null) {
            throw new IllegalArgumentException("not an IP address: '" + text + "'");
        }
        return address;
    }

    /** Parses a dotted quad in {@code text[from, to)}; RFC 7208 12 qnum: no leading zeros. */
    public static IpAddress parseV4OrNull(CharSequence text, int from, int to) {
        long value = IpLiterals.v4(text, from, to);
        return value < 0 ? null : ofV4((int) value);
    }

    /** Parses an IPv6 address in {@code text[from, to)} (RFC 4291 2.2), with optional embedded IPv4 tail. */
    public static IpAddress parseV6OrNull(CharSequence text, int from, int to) {
        return IpLiterals.v6(text, from, to);
    }

    public boolean isV6() {
        return v6;
    }

    /** RFC 7208 5 (and 2.6 note): an IPv4-mapped IPv6 address {@code ::ffff:a.b.c.d} is its IPv4 address. */
    public IpAddress unmapped() {
        if (v6 && hi == 0 && (lo >>> 32) == 0xFFFFL) {
            return ofV4((int) lo);
        }
        return this;
    }

    /**
     * Whether this address lies in {@code network/prefix}; addresses of the other family never
     * match. The prefix must fit the network's family (0-32 or 0-128, RFC 7208 5.6 cidr-length):
     * an IAE otherwise, since a prefix past the address width would match everything.
     */
    public boolean isIn(IpAddress network, int prefix) {
        if (prefix < 0 || prefix > (network.v6 ? 128 : 32)) {
            throw new IllegalArgumentException("prefix length " + prefix + " out of range for " + network);
        }
        if (v6 != network.v6) {
            return false;
        }
        if (!v6) {
            if (prefix == 0) {
                return true;
            }
            long mask = (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
            return (lo & mask) == (network.lo & mask);
        }
        if (prefix <= 0) {
            return true;
        }
        if (prefix <= 64) {
            long mask = prefix == 64 ? -1L : ~(-1L >>> prefix);
            return (hi & mask) == (network.hi & mask);
        }
        if (hi != network.hi) {
            return false;
        }
        int low = prefix - 64;
        long mask = low == 64 ? -1L : ~(-1L >>> low);
        return (lo & mask) == (network.lo & mask);
    }

    /** The network of this address with {@code prefix} bits (the other bits zero), e.g. 192.0.2.0 for 192.0.2.77 and 24. */
    public IpAddress network(int prefix) {
        if (prefix < 0 || prefix > (v6 ? 128 : 32)) {
            throw new IllegalArgumentException("prefix length " + prefix + " out of range for " + this);
        }
        if (!v6) {
            long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
            return new IpAddress(false, 0, lo & mask);
        }
        long hiMask = prefix >= 64 ? -1L : prefix == 0 ? 0 : ~(-1L >>> prefix);
        long loMask = prefix <= 64 ? 0 : prefix == 128 ? -1L : ~(-1L >>> (prefix - 64));
        return new IpAddress(true, hi & hiMask, lo & loMask);
    }

    public byte[] toBytes() {
        if (!v6) {
            return new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[i + 8] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    /**
     * RFC 7208 7.3 macro {@code i}: dotted quad, or 32 dot-separated nibbles for IPv6.
     * RFC 7208 7.3 is silent on the case of the nibbles; we write upper case, as pyspf does and
     * the openspf suite's v-macro-ip6 expects (DNS queries are case-insensitive either way).
     */
    public String toMacroForm() {
        if (!v6) {
            return toString();
        }
        StringBuilder sb = new StringBuilder(63);
        appendNibbles(sb, hi, false);
        sb.append('.');
        appendNibbles(sb, lo, false);
        for (int i = 0; i < sb.length(); i++) {
            char c = sb.charAt(i);
            if (c >= 'a' && c <= 'f') {
                sb.setCharAt(i, (char) (c - 32));
            }
        }
        return sb.toString();
    }

    /** The reverse-lookup name: {@code d.c.b.a.in-addr.arpa} or the ip6.arpa nibble name. */
    public String reverseName() {
        StringBuilder sb = new StringBuilder(73);
        if (!v6) {
            sb.append(lo & 0xFF).append('.').append((lo >>> 8) & 0xFF).append('.')
                .append((lo >>> 16) & 0xFF).append('.').append((lo >>> 24) & 0xFF).append(".in-addr.arpa");
            return sb.toString();
        }
        appendNibbles(sb, lo, true);
        sb.append('.');
        appendNibbles(sb, hi, true);
        return sb.append(".ip6.arpa").toString();
    }

    private static void appendNibbles(StringBuilder sb, long value, boolean reversed) {
        for (int i = 0; i < 16; i++) {
            int shift = reversed ? 4 * i : 60 - 4 * i;
            if (i > 0) {
                sb.append('.');
            }
            sb.append(Character.forDigit((int) ((value >>> shift) & 0xF), 16));
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof IpAddress)) {
            return false;
        }
        IpAddress other = (IpAddress) o;
        return v6 == other.v6 && hi == other.hi && lo == other.lo;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi) * 31 + Long.hashCode(lo) + (v6 ? 1 : 0);
    }

    /** Dotted quad, or the RFC 5952 canonical IPv6 text. */
    @Override
    public String toString() {
        if (!v6) {
            return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) ((hi >>> (48 - 16 * i)) & 0xFFFF);
            g[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xFFFF);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
