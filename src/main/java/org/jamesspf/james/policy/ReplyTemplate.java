package org.jamesspf.james.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jamesspf.james.text.Sanitizer;

/**
 * A reply text with placeholders: {@code {result} {identity} {domain} {ip} {sender} {helo}
 * {explanation} {problem}}. Rendering strips CR, LF and other control or non-ASCII
 * characters from every value and bounds the length, so no reply can be split or injected.
 */
public final class ReplyTemplate {
    /** The placeholders a template may use. */
    public static final List<String> PLACEHOLDERS =
        List.of("result", "identity", "domain", "ip", "sender", "helo", "explanation", "problem");
    /** RFC 5321 4.5.3.1.5: a reply line is at most 512 octets; we keep the text well under. */
    public static final int MAX_TEXT_LENGTH = 400;

    static final ReplyTemplate EMPTY = new ReplyTemplate("", List.of());

    private final String text;
    private final List<Object> parts; // String literal or Placeholder

    private static final class Placeholder {
        final String name;

        Placeholder(String name) {
            this.name = name;
        }
    }

    private ReplyTemplate(String text, List<Object> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
    }

    /** Parses a template; an IAE names the first unknown placeholder or the bad character. */
    public static ReplyTemplate parse(String text) {
        Objects.requireNonNull(text, "text");
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException("reply text must be printable ASCII: '" + text + "'");
            }
            if (c == '{') {
                int close = text.indexOf('}', i);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '{' in reply text '" + text + "'");
                }
                String name = text.substring(i + 1, close);
                if (!PLACEHOLDERS.contains(name)) {
                    throw new IllegalArgumentException("unknown placeholder '{" + name + "}' in reply text '" + text
                        + "' (known: " + PLACEHOLDERS + ")");
                }
                if (literal.length() > 0) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add(new Placeholder(name));
                i = close + 1;
                continue;
            }
            literal.append(c);
            i++;
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        return new ReplyTemplate(text, parts);
    }

    /** Renders with the given values (missing ones are empty), made safe for an SMTP reply line. */
    public String render(Map<String, String> values) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        for (Object part : parts) {
            if (part instanceof String) {
                out.append((String) part);
            } else {
                out.append(values.getOrDefault(((Placeholder) part).name, ""));
            }
        }
        return Sanitizer.replyText(out.toString(), MAX_TEXT_LENGTH);
    }

    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplyTemplate && ((ReplyTemplate) o).text.equals(text);
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
