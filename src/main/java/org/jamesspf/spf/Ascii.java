package org.jamesspf.spf;

/**
 * ASCII-only text helpers. SPF syntax is ASCII (RFC 7208 12); Java's case-insensitive
 * comparisons fold non-ASCII letters too ('\u017f' equals 's'), which would accept
 * records the RFC rejects.
 */
public final class Ascii {
    private Ascii() {
    }

    public static char toLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    /** Case-insensitive comparison of ASCII letters only. */
    public static boolean regionMatchesIgnoreCase(CharSequence a, int aFrom, CharSequence b, int bFrom, int length) {
        if (aFrom < 0 || bFrom < 0 || aFrom + length > a.length() || bFrom + length > b.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (toLower(a.charAt(aFrom + i)) != toLower(b.charAt(bFrom + i))) {
                return false;
            }
        }
        return true;
    }

    public static boolean equalsIgnoreCase(CharSequence a, CharSequence b) {
        return a.length() == b.length() && regionMatchesIgnoreCase(a, 0, b, 0, a.length());
    }

    /** Lower-cases ASCII letters, leaving everything else as it is. */
    public static String toLowerCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = s.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    chars[j] = toLower(chars[j]);
                }
                return new String(chars);
            }
        }
        return s;
    }
}
