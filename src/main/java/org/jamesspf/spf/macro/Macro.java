package org.jamesspf.spf.macro;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One macro-expand: letter, URL-escape, right-hand parts, reversal and delimiters. */
final class Macro {
    private static final String DELIMITERS = ".-+,/_=";
    private static final String LETTERS = "slodiphv";
    private static final String EXP_LETTERS = "crt";

    final char letter;
    final boolean urlEscape;
    final int rightParts;
    final boolean reverse;
    final String delimiters;

    Macro(char letter, boolean urlEscape, int rightParts, boolean reverse, String delimiters) {
        this.letter = letter;
        this.urlEscape = urlEscape;
        this.rightParts = rightParts;
        this.reverse = reverse;
        this.delimiters = delimiters;
    }

    /** RFC 7208 7.1: the macro-expand between {@code %{} and {@code }}, or {@code null} when it is not one. */
    static Macro parse(String text, int from, int to, MacroString.Context context) {
        if (from >= to) {
            return null;
        }
        char raw = text.charAt(from);
        char letter = Character.toLowerCase(raw);
        if (raw > 0x7F || (LETTERS.indexOf(letter) < 0 && !(context == MacroString.Context.EXPLANATION && EXP_LETTERS.indexOf(letter) >= 0))) {
            return null;
        }
        boolean escape = Character.isUpperCase(raw);
        int i = from + 1;
        int digits = 0;
        int digitCount = 0;
        while (i < to && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            if (digitCount < 4) {
                digits = digits * 10 + (text.charAt(i) - '0');
            }
            digitCount++;
            i++;
        }
        // RFC 7208 7.1: a DIGIT transformer must be nonzero; 128 and more may be treated as 127 but we clamp.
        if (digitCount > 0 && digits == 0) {
            return null;
        }
        if (digitCount > 3) {
            digits = 128;
        }
        boolean reverse = false;
        if (i < to && (text.charAt(i) == 'r' || text.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        String delimiters = text.substring(i, to);
        for (int d = 0; d < delimiters.length(); d++) {
            if (DELIMITERS.indexOf(delimiters.charAt(d)) < 0) {
                return null;
            }
        }
        return new Macro(letter, escape, digitCount == 0 ? 0 : digits, reverse, delimiters.isEmpty() ? "." : delimiters);
    }

    /** RFC 7208 7.3: this macro's value, transformed and (for an upper-case letter) URL-escaped. */
    String expand(MacroContext context) {
        String value = context.value(letter);
        if (rightParts == 0 && !reverse && ".".equals(delimiters)) {
            return urlEscape ? escaped(value) : value;
        }
        // RFC 7208 7.3: split on the delimiters, reverse if asked, keep the rightmost parts, join with ".".
        List<String> split = new ArrayList<>(8);
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delimiters.indexOf(value.charAt(i)) >= 0) {
                split.add(value.substring(start, i));
                start = i + 1;
            }
        }
        split.add(value.substring(start));
        int size = split.size();
        int keep = rightParts == 0 ? size : Math.min(rightParts, size);
        StringBuilder joined = new StringBuilder(value.length());
        for (int k = 0; k < keep; k++) {
            // reversed list R[j] = split[size-1-j]; its rightmost parts are split[keep-1-k]
            String part = reverse ? split.get(keep - 1 - k) : split.get(size - keep + k);
            if (k > 0) {
                joined.append('.');
            }
            joined.append(part);
        }
        return urlEscape ? escaped(joined.toString()) : joined.toString();
    }

    private static String escaped(String value) {
        // RFC 7208 7.3: upper-case letters URL-escape all but RFC 3986 unreserved characters.
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
