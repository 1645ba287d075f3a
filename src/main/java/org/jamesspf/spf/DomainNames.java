package org.jamesspf.spf;

/**
 * Domain-name syntax as RFC 7208 uses it, in one place for the engine, the hook, the
 * configuration and lint: what a valid identity domain is (4.3), what an expanded domain-spec
 * may be queried as (4.8), and the truncation of long names (4.8).
 */
public final class DomainNames {
    /** RFC 7208 4.8 (RFC 1035 2.3.4): a domain name of at most 253 octets, without the trailing dot. */
    public static final int MAX_LENGTH = 253;
    private static final int MAX_DOMAIN_LENGTH = MAX_LENGTH;
    private static final int MAX_LABEL_LENGTH = 63;

    private DomainNames() {
    }

    /**
     * RFC 7208 4.3: whether a domain is a valid, multi-label FQDN: labels of 1 to 63 octets,
     * at most 253 octets in all, visible ASCII, and a top label that is not all digits.
     */
    public static boolean isValidDomain(String domain) {
        int end = domain.endsWith(".") ? domain.length() - 1 : domain.length();
        if (end == 0 || end > MAX_DOMAIN_LENGTH) {
            return false;
        }
        int labels = 0;
        int labelStart = 0;
        boolean topAllDigits = true;
        for (int i = 0; i <= end; i++) {
            char c = i < end ? domain.charAt(i) : '.';
            if (c == '.') {
                int len = i - labelStart;
                if (len == 0 || len > MAX_LABEL_LENGTH) {
                    return false;
                }
                labels++;
                labelStart = i + 1;
                if (i < end) {
                    topAllDigits = true;
                }
            } else if (c <= 0x20 || c >= 0x7F || c == '@' || c == '[' || c == ']') {
                return false;
            } else if (c < '0' || c > '9') {
                topAllDigits = false;
            }
        }
        return labels >= 2 && !topAllDigits;
    }

    /**
     * Whether an expanded domain-spec can be queried: labels of 1 to 63 octets. RFC 7208 4.8
     * checks syntax before expansion, so any octet is allowed in the labels ("%_" gives spaces).
     */
    public static boolean isQueryableName(String name) {
        int end = name.endsWith(".") ? name.length() - 1 : name.length();
        if (end == 0 || end > MAX_DOMAIN_LENGTH) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= end; i++) {
            if (i == end || name.charAt(i) == '.') {
                int len = i - labelStart;
                if (len == 0 || len > MAX_LABEL_LENGTH) {
                    return false;
                }
                labelStart = i + 1;
            }
        }
        return true;
    }

    /**
     * RFC 7208 4.8: a name longer than 253 octets loses left-hand labels until it fits: what is
     * left after the first dot that leaves at most 253 octets, found by index (one copy). A name
     * with no such dot comes back whole (and is then not queryable).
     */
    public static String truncateDomain(String name) {
        int end = name.endsWith(".") ? name.length() - 1 : name.length();
        if (end > MAX_DOMAIN_LENGTH) {
            int dot = name.indexOf('.', end - MAX_DOMAIN_LENGTH - 1);
            if (dot >= 0 && dot < end) {
                return name.substring(dot + 1, end);
            }
        }
        return name.substring(0, end);
    }

    /**
     * RFC 1123 2.1 / RFC 5321 4.1.2 host name: dot-separated labels of 1 to 63 letters, digits and
     * hyphens, none starting or ending with a hyphen, at most 253 octets, no trailing dot. What a
     * configured domain may be, and what RFC 8601 writes unquoted.
     */
    public static boolean isLdhName(String name) {
        if (name.isEmpty() || name.length() > MAX_DOMAIN_LENGTH) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || name.charAt(i) == '.') {
                if (!isLdhLabel(name, labelStart, i, false)) {
                    return false;
                }
                labelStart = i + 1;
            }
        }
        return true;
    }

    /**
     * Whether {@code name[from, to)} is one LDH label: 1 to 63 letters, digits and hyphens (and
     * underscores when {@code underscore}), starting and ending with a letter or digit.
     */
    public static boolean isLdhLabel(CharSequence name, int from, int to, boolean underscore) {
        int length = to - from;
        if (length < 1 || length > MAX_LABEL_LENGTH || !isLetterOrDigit(name.charAt(from)) || !isLetterOrDigit(name.charAt(to - 1))) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = name.charAt(i);
            if (!isLetterOrDigit(c) && c != '-' && !(underscore && c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** The name without one trailing dot (absolute form to relative). */
    public static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** Whether {@code name} is {@code domain} or a name under it (both lower case, no trailing dot). */
    public static boolean isSameOrSubdomain(String name, String domain) {
        return name.equals(domain) || (name.endsWith(domain) && name.length() > domain.length()
            && name.charAt(name.length() - domain.length() - 1) == '.');
    }
}
