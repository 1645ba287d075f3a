package org.jamesspf.james.text;

/**
 * Makes client- and DNS-supplied text safe for SMTP replies, headers and log lines: no CR,
 * LF or other control characters, ASCII only, bounded length.
 */
public final class Sanitizer {
    private Sanitizer() {
    }

    /** Control and non-ASCII characters become '?'; runs of white space become one space; cut to {@code max}. */
    public static String replyText(String value, int max) {
        if (isClean(value, max)) {
            return value; // the common case: nothing to change, nothing to copy
        }
        return rewrite(value, max);
    }

    /** {@link #replyText} for a value that needs changes. */
    static String rewrite(String value, int max) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), max + 3));
        boolean space = false;
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (!space && out.length() > 0) {
                    out.append(' ');
                }
                space = true;
                continue;
            }
            space = false;
            out.append(c < 0x20 || c > 0x7E ? '?' : c);
        }
        if (out.length() >= max && value.length() > max) {
            out.setLength(max - 3);
            out.append("...");
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == ' ') {
            end--;
        }
        out.setLength(end);
        return out.toString();
    }

    /** Whether {@link #replyText} would return {@code value} unchanged: printable ASCII, single inner spaces, within {@code max}. */
    private static boolean isClean(String value, int max) {
        int n = value.length();
        if (n > max || (n > 0 && (value.charAt(0) == ' ' || value.charAt(n - 1) == ' '))) {
            return false;
        }
        char previous = 'x';
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if ((c < 0x21 || c > 0x7E) && !(c == ' ' && previous != ' ')) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    /** Characters of a value written into a header field or a mail attribute at most. */
    public static final int MAX_VALUE = 256;

    /** For header field values and mail attributes: as {@link #replyText}, cut at {@value #MAX_VALUE}. */
    public static String value(String raw) {
        return replyText(raw == null ? "" : raw, MAX_VALUE);
    }

    /** For log lines: as {@link #replyText} with a short bound. */
    public static String log(String value) {
        return value == null ? "" : replyText(value, 200);
    }
}
