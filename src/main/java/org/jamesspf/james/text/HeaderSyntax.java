package org.jamesspf.james.text;

import org.jamesspf.spf.DomainNames;

/**
 * The grammar of values in header fields (RFC 5322, RFC 2045, RFC 8601): what may be written as it
 * is, and the quoting of what may not. Every value first goes through {@link Sanitizer#value}: no
 * CR, LF or control character, ASCII, bounded.
 */
public final class HeaderSyntax {
    private HeaderSyntax() {
    }

    /**
     * RFC 6376 3.5 / RFC 5321 4.1.2 domain-name: what RFC 8601 pvalue allows unquoted (one rule
     * for all: {@link DomainNames#isLdhName}).
     */
    public static boolean isDomainName(String s) {
        return DomainNames.isLdhName(s);
    }

    /** RFC 2045 token: printable ASCII except SPACE and tspecials. */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7F || "()<>@,;:\\\"/[]?=".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5322 3.2.3 dot-atom-text. */
    public static boolean isDotAtom(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~.".indexOf(c) >= 0;
            if (!atext) {
                return false;
            }
        }
        return true;
    }

    /** RFC 8601 2.3 pvalue: a domain-name as it is, anything else as a quoted-string. */
    public static String pvalue(String raw) {
        String v = Sanitizer.value(raw);
        return isDomainName(v) ? v : quoted(v);
    }

    /** RFC 2045 value: a token as it is, anything else as a quoted-string. */
    public static String tokenValue(String raw) {
        String v = Sanitizer.value(raw);
        return isToken(v) ? v : quoted(v);
    }

    /** RFC 7208 9.1 key-value value: dot-atom when it is one, else a quoted-string. */
    public static String value(String raw) {
        String v = Sanitizer.value(raw);
        return isDotAtom(v) ? v : quoted(v);
    }

    /** RFC 5322 3.2.4 quoted-string with '\\' and '"' escaped; CR, LF and controls already gone. */
    public static String quoted(String raw) {
        String v = Sanitizer.value(raw);
        StringBuilder sb = new StringBuilder(v.length() + 2).append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' || c == '"') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    /** RFC 5322 3.2.2 ctext: parentheses and backslashes escaped. */
    public static String commentText(String raw) {
        String v = Sanitizer.value(raw);
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '(' || c == ')' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
