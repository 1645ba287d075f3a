package org.jamesspf.james.policy;

import java.util.ArrayList;
import java.util.List;
import org.jamesspf.spf.IpAddress;

/** A list of IPv4/IPv6 networks in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}, or a bare address). */
public final class NetworkList {
    private static final NetworkList EMPTY = new NetworkList(List.of(), List.of(), List.of());

    private final List<IpAddress> networks;
    private final List<Integer> prefixes;
    private final List<String> texts;

    private NetworkList(List<IpAddress> networks, List<Integer> prefixes, List<String> texts) {
        this.networks = List.copyOf(networks);
        this.prefixes = List.copyOf(prefixes);
        this.texts = List.copyOf(texts);
    }

    public static NetworkList empty() {
        return EMPTY;
    }

    /** Parses entries; an IAE quotes the first bad one. */
    public static NetworkList parse(List<String> entries) {
        List<IpAddress> networks = new ArrayList<>();
        List<Integer> prefixes = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            IpAddress address = IpAddress.parseOrNull(slash < 0 ? entry : entry.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("not an IP network: '" + entry + "'");
            }
            int max = address.isV6() ? 128 : 32;
            int prefix = max;
            if (slash >= 0) {
                String digits = entry.substring(slash + 1);
                if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new IllegalArgumentException("bad prefix length in '" + entry + "'");
                }
                prefix = Integer.parseInt(digits);
                if (prefix > max) {
                    throw new IllegalArgumentException("prefix length over " + max + " in '" + entry + "'");
                }
            }
            networks.add(address);
            prefixes.add(prefix);
            texts.add(entry);
        }
        return new NetworkList(networks, prefixes, texts);
    }

    /** Whether {@code ip} (IPv4-mapped addresses unmapped) lies in any network. */
    public boolean contains(IpAddress ip) {
        IpAddress address = ip.unmapped();
        for (int i = 0; i < networks.size(); i++) {
            if (address.isIn(networks.get(i), prefixes.get(i))) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkList && ((NetworkList) o).texts.equals(texts);
    }

    @Override
    public int hashCode() {
        return texts.hashCode();
    }

    @Override
    public String toString() {
        return String.join(", ", texts);
    }
}
