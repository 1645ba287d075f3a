package org.jamesspf.dns.james;

/**
 * Reads TXT data in DNS presentation form, as DNSJavaService returns it
 * ({@code "v=spf1 ip4:192.0.2.1" " -all"}, with {@code \"}, {@code \\} and {@code \DDD}
 * escapes), and joins its character-strings without spaces (RFC 7208 3.3). Text that does
 * not start with a quote is taken as it is (InMemoryDNSService and other doubles).
 */
public final class PresentationText {
    private PresentationText() {
    }

    public static String joinCharacterStrings(String text) {
        if (text.isEmpty() || text.charAt(0) != '"') {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            if (c != '"') {
                // unquoted character-string between quoted ones: read to the next blank
                while (i < n && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                    i = appendOne(text, i, out);
                }
                continue;
            }
            i++;
            while (i < n && text.charAt(i) != '"') {
                i = appendOne(text, i, out);
            }
            i++; // closing quote (or end of text for an unterminated string)
        }
        return out.toString();
    }

    /** Appends one possibly escaped character at {@code i}; returns the next index. */
    private static int appendOne(String text, int i, StringBuilder out) {
        char c = text.charAt(i);
        if (c != '\\' || i + 1 >= text.length()) {
            out.append(c);
            return i + 1;
        }
        if (i + 3 < text.length() + 0 && isDigit(text.charAt(i + 1)) && isDigit(text.charAt(i + 2)) && isDigit(text.charAt(i + 3))) {
            int value = (text.charAt(i + 1) - '0') * 100 + (text.charAt(i + 2) - '0') * 10 + (text.charAt(i + 3) - '0');
            out.append((char) (value & 0xFF));
            return i + 4;
        }
        out.append(text.charAt(i + 1));
        return i + 2;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
