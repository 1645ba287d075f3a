package org.jamesspf.james.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.DomainNames;

/**
 * A list of domains as configured: {@code example.com} for the domain itself, {@code .example.com}
 * for the names under it. Entries are kept lower case without a trailing dot.
 */
public final class DomainList {
    private static final DomainList EMPTY = new DomainList(List.of());

    private final List<String> entries;

    private DomainList(List<String> entries) {
        this.entries = List.copyOf(entries);
    }

    public static DomainList empty() {
        return EMPTY;
    }

    /**
     * Parses entries; an IAE quotes the first that is not an RFC 1123 host name (letters, digits,
     * inner hyphens: what mail domains and HELO names are), with or without its leading dot.
     */
    public static DomainList parse(List<String> raw) {
        List<String> entries = new ArrayList<>();
        for (String text : raw) {
            String entry = DomainNames.stripDot(Ascii.toLowerCase(text.trim()));
            String name = entry.startsWith(".") ? entry.substring(1) : entry;
            if (!DomainNames.isValidDomain(name) || !DomainNames.isLdhName(name)) {
                throw new IllegalArgumentException("'" + text.trim() + "' is not a domain name (use .example.com for subdomains)");
            }
            entries.add(entry);
        }
        return new DomainList(entries);
    }

    /** The entries, as kept. */
    public List<String> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Whether {@code domain} is listed: an exact entry, or a ".example.com" entry for a name under it. */
    public boolean contains(String domain) {
        return matchLength(domain) > 0;
    }

    /**
     * How closely the list covers {@code domain}: exact beats any suffix, a longer suffix a shorter;
     * 0 not at all. Picks among several lists (per-domain policies) the one that names a domain best.
     */
    public int matchLength(String domain) {
        String d = Ascii.toLowerCase(DomainNames.stripDot(domain));
        int best = 0;
        for (String entry : entries) {
            int score = entry.startsWith(".") ? (d.endsWith(entry) ? entry.length() : 0) : (d.equals(entry) ? Integer.MAX_VALUE : 0);
            best = Math.max(best, score);
        }
        return best;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DomainList && ((DomainList) o).entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(entries);
    }

    @Override
    public String toString() {
        return String.join(", ", entries);
    }
}
