package org.jamesspf.spf.macro;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jamesspf.spf.DomainNames;

/**
 * A parsed macro-string (RFC 7208 7.1): literal text and macro-expands, expanded against a
 * {@link MacroContext}. Parsing happens once; expansion allocates only the result.
 */
public final class MacroString {
    /** Where a macro-string appears; RFC 7208 7.3 allows c, r and t only in explanations. */
    public enum Context {
        /** A domain-spec of a mechanism or modifier: must end as RFC 7208 12 domain-end says. */
        DOMAIN_SPEC,
        /** The value of an unknown modifier: any macro-string. */
        MODIFIER_VALUE,
        /** An explanation string (RFC 7208 6.2): spaces allowed, and the letters c, r, t. */
        EXPLANATION
    }

    /**
     * Octets of a domain-spec expansion ever built: a 253-octet name, the dot before it (to know
     * it starts a label) and one trailing dot (RFC 7208 4.8).
     */
    public static final int DOMAIN_WINDOW = DomainNames.MAX_LENGTH + 2;

    private final String text;
    private final Object[] parts; // String literals and Macro expands
    private final boolean literalOnly;

    private MacroString(String text, Object[] parts) {
        this.text = text;
        this.parts = parts;
        boolean literal = true;
        for (Object part : parts) {
            if (part instanceof Macro) {
                literal = false;
                break;
            }
        }
        this.literalOnly = literal;
    }

    /** The outcome of parsing: a macro-string, or the message and offset of the first error. */
    public static final class Parsed {
        private final MacroString value;
        private final String error;
        private final int position;

        private Parsed(MacroString value, String error, int position) {
            this.value = value;
            this.error = error;
            this.position = position;
        }

        public boolean isValid() {
            return value != null;
        }

        /** The macro-string; throws {@link IllegalStateException} when parsing failed. */
        public MacroString value() {
            if (value == null) {
                throw new IllegalStateException("not a valid macro-string: " + error);
            }
            return value;
        }

        /** The error message, or {@code null} when parsing succeeded. */
        public String error() {
            return error;
        }

        /** Offset of the error within the parsed text, or -1. */
        public int position() {
            return position;
        }
    }

    /** Parses {@code text} as a macro-string of {@code context}, without throwing on bad input. */
    public static Parsed parse(String text, Context context) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(context, "context");
        List<Object> parts = new ArrayList<>(4);
        StringBuilder literal = new StringBuilder();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 1 >= n) {
                    return error("'%' at end of macro-string", i);
                }
                char next = text.charAt(i + 1);
                // RFC 7208 7.1: "%%", "%_" and "%-" are the only escapes besides "%{".
                if (next == '%') {
                    literal.append('%');
                    i += 2;
                    continue;
                }
                if (next == '_') {
                    literal.append(' ');
                    i += 2;
                    continue;
                }
                if (next == '-') {
                    literal.append("%20");
                    i += 2;
                    continue;
                }
                if (next != '{') {
                    return error("invalid macro escape '%" + printable(next) + "'", i);
                }
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    return error("unterminated macro '%{'", i);
                }
                Macro macro = Macro.parse(text, i + 2, close, context);
                if (macro == null) {
                    return error("invalid macro '" + text.substring(i, close + 1) + "'", i);
                }
                if (literal.length() > 0) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add(macro);
                i = close + 1;
                continue;
            }
            // RFC 7208 7.1: macro-literal is %x21-24 / %x26-7E; 6.2 adds SP in explanations.
            boolean ok = (c >= 0x21 && c <= 0x7E) || (c == ' ' && context == Context.EXPLANATION);
            if (!ok) {
                return error("invalid character '" + printable(c) + "' in macro-string", i);
            }
            literal.append(c);
            i++;
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        if (context == Context.DOMAIN_SPEC) {
            if (parts.isEmpty()) {
                return error("empty domain-spec", 0);
            }
            Object last = parts.get(parts.size() - 1);
            if (last instanceof String && !endsWithTopLabel((String) last)) {
                return error("domain-spec must end in '.' toplabel or a macro", n);
            }
        }
        return new Parsed(new MacroString(text, parts.toArray()), null, -1);
    }

    private static Parsed error(String message, int position) {
        return new Parsed(null, message, position);
    }

    /** RFC 7208 12: domain-end = ( "." toplabel [ "." ] ) / macro-expand. */
    private static boolean endsWithTopLabel(String literal) {
        int end = literal.length();
        if (end > 0 && literal.charAt(end - 1) == '.') {
            end--;
        }
        int dot = literal.lastIndexOf('.', end - 1);
        if (dot < 0) {
            return false;
        }
        return isTopLabel(literal, dot + 1, end);
    }

    /** RFC 7208 12: toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ). */
    static boolean isTopLabel(CharSequence s, int from, int to) {
        if (to <= from || !isAlphaNum(s.charAt(from)) || !isAlphaNum(s.charAt(to - 1))) {
            return false;
        }
        boolean alphaOrDash = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '-' || isAlpha(c)) {
                alphaOrDash = true;
            } else if (!isAlphaNum(c)) {
                return false;
            }
        }
        return alphaOrDash;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAlphaNum(char c) {
        return isAlpha(c) || (c >= '0' && c <= '9');
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }

    /** Whether the string contains no macro-expand (only literals and escapes). */
    public boolean isLiteral() {
        return literalOnly;
    }

    /** Whether a macro-expand of {@code letter} (lower case; either case matches) occurs. */
    public boolean uses(char letter) {
        for (Object part : parts) {
            if (part instanceof Macro && ((Macro) part).letter == letter) {
                return true;
            }
        }
        return false;
    }

    /**
     * Expands the macro-string (RFC 7208 7.3, 7.4) from the left, building at most {@code maxOctets}
     * characters: the rest is never built (RFC 7208 6.2 lets an explanation be cut to a
     * reasonable length). Each character built is reported to {@link MacroContext#built}.
     */
    public String expand(MacroContext context, int maxOctets) {
        if (maxOctets < 0) {
            throw new IllegalArgumentException("maxOctets must not be negative, got " + maxOctets);
        }
        StringBuilder out = new StringBuilder(Math.min(maxOctets, text.length() + 32));
        for (Object part : parts) {
            int room = maxOctets - out.length();
            if (room <= 0) {
                break;
            }
            String piece = part instanceof String ? (String) part : ((Macro) part).expand(context);
            int take = Math.min(room, piece.length());
            out.append(piece, 0, take);
            context.built(part instanceof String ? take : piece.length());
        }
        return out.toString();
    }

    /**
     * Expands a domain-spec (RFC 7208 7.3) and applies RFC 7208 4.8: one trailing dot is dropped,
     * and a name longer than 253 octets loses labels from the left until it fits. The name is
     * built from the right and nothing left of its last {@value #DOMAIN_WINDOW} octets is ever
     * built, so the work is linear in the result however long the full expansion would be. A
     * name with no label boundary to cut at comes back longer than 253 octets (not queryable).
     */
    public String expandDomain(MacroContext context) {
        // built right to left into the end of a fixed window
        char[] window = new char[DOMAIN_WINDOW];
        int start = DOMAIN_WINDOW;
        boolean complete = true;
        for (int i = parts.length - 1; i >= 0; i--) {
            if (start == 0) {
                complete = false;
                break;
            }
            Object part = parts[i];
            String piece = part instanceof String ? (String) part : ((Macro) part).expand(context);
            int take = Math.min(start, piece.length());
            piece.getChars(piece.length() - take, piece.length(), window, start - take);
            start -= take;
            context.built(part instanceof String ? take : piece.length());
            if (take < piece.length()) {
                complete = false;
                break;
            }
        }
        int end = DOMAIN_WINDOW;
        if (end > start && window[end - 1] == '.') {
            end--;
        }
        int length = end - start;
        if (complete && length <= DomainNames.MAX_LENGTH) {
            return new String(window, start, length);
        }
        // RFC 7208 4.8: cut at the first label boundary that leaves at most 253 octets
        for (int i = end - DomainNames.MAX_LENGTH - 1; i < end; i++) {
            if (i >= start && window[i] == '.') {
                return new String(window, i + 1, end - i - 1);
            }
        }
        return new String(window, start, length);
    }

    /** The text as written in the record. */
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacroString && ((MacroString) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
