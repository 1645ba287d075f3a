package org.jamesspf.james.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.IpAddress;

/**
 * The "from" part of one {@code Received} field (RFC 5321 4.4 Stamp: {@code "from" Extended-Domain
 * [ "(" TCP-info ")" ] "by" ...}): the address the receiving host saw connect, and the HELO name
 * given. MTAs write it differently: Postfix and Sendmail {@code from HELO (rDNS [IP])}, Exim
 * {@code from rDNS ([IP] helo=HELO)}, James {@code from rDNS (EHLO HELO) ([IP])}. The address is the
 * first address literal of the last comment before the last top-level "by" (the one the receiving
 * host wrote after what the client said: a HELO that smuggles a literal or a "by" in comes before
 * it); comments may nest and hold quoted pairs, folding may be anywhere. A field that does not read
 * so is none at all.
 */
final class ReceivedField {
    /** Characters of a field read at most: a Received field is a line or two; a longer one is not read. */
    static final int MAX_LENGTH = 4096;

    final IpAddress ip;
    final String helo;

    private ReceivedField(IpAddress ip, String helo) {
        this.ip = ip;
        this.helo = helo;
    }

    static Optional<ReceivedField> parse(String value) {
        if (value == null || value.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        Scanner s = new Scanner(value);
        s.skipCfws(null);
        if (!"from".equalsIgnoreCase(s.word())) {
            return Optional.empty();
        }
        List<String> comments = new ArrayList<>();
        // the Extended-Domain: the first word (a client's HELO "(x)" reads as a comment, and leaves none)
        String from = "";
        // The receiving host's TCP-info comment is the last one before its own "by". Text the client chose
        // stands on both sides of it (its HELO before; its MAIL FROM and RCPT after, as Exim's
        // "(envelope-from <...>)" and "for <...>") and may hold "(... [IP]) by" itself. But no SMTP command
        // holds a line break, and every MTA folds before its "by": the first "by" to begin a line is the
        // host's; unfolded, the last top-level "by" is taken.
        int lastBy = -1;
        int foldedBy = -1;
        while (true) {
            s.skipCfws(comments);
            if (s.atEnd()) {
                break;
            }
            boolean lineStart = s.atLineStart();
            String word = s.word();
            if (word.isEmpty()) {
                s.skip();
            } else if (!word.equalsIgnoreCase("by")) {
                if (from.isEmpty() && lastBy < 0) {
                    from = word;
                }
            } else {
                lastBy = comments.size();
                if (lineStart && foldedBy < 0) {
                    foldedBy = comments.size();
                }
            }
        }
        int beforeBy = foldedBy >= 0 ? foldedBy : lastBy;
        List<String> tcpInfo = beforeBy < 0 ? comments : comments.subList(0, beforeBy);
        IpAddress ip = null;
        for (int i = tcpInfo.size() - 1; i >= 0 && ip == null; i--) {
            ip = firstLiteral(tcpInfo.get(i));
        }
        if (ip == null && from.startsWith("[")) {
            ip = literal(from);
        }
        if (ip == null) {
            return Optional.empty();
        }
        return Optional.of(new ReceivedField(ip.unmapped(), helo(from, tcpInfo)));
    }

    /** Exim's {@code helo=NAME}, James's {@code EHLO NAME}, else the Extended-Domain itself (Postfix, Sendmail). */
    private static String helo(String from, List<String> comments) {
        for (int i = comments.size() - 1; i >= 0; i--) {
            String c = comments.get(i);
            int at = Ascii.toLowerCase(c).indexOf("helo=");
            if (at >= 0) {
                return firstWord(c, at + 5);
            }
        }
        for (String c : comments) {
            String trimmed = c.trim();
            if (trimmed.regionMatches(true, 0, "EHLO ", 0, 5) || trimmed.regionMatches(true, 0, "HELO ", 0, 5)) {
                return firstWord(trimmed, 5);
            }
        }
        return from;
    }

    private static String firstWord(String text, int from) {
        int end = from;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && text.charAt(end) != ')' && text.charAt(end) != '(') {
            end++;
        }
        return text.substring(from, end);
    }

    /** The first {@code [..]} address literal of a comment that holds an address. */
    private static IpAddress firstLiteral(String comment) {
        int open = comment.indexOf('[');
        while (open >= 0) {
            int close = comment.indexOf(']', open);
            if (close < 0) {
                return null;
            }
            IpAddress ip = literal(comment.substring(open, close + 1));
            if (ip != null) {
                return ip;
            }
            open = comment.indexOf('[', close);
        }
        return null;
    }

    /** RFC 5321 4.1.3 address-literal: {@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]} (and, as some MTAs write it, {@code [2001:db8::1]}). */
    static IpAddress literal(String text) {
        if (text.length() < 3 || text.charAt(0) != '[' || text.charAt(text.length() - 1) != ']') {
            return null;
        }
        String inner = text.substring(1, text.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            inner = inner.substring(5);
        }
        return IpAddress.parseOrNull(inner);
    }

    /** Reads words, address literals and comments (RFC 5322 3.2.2 CFWS: nested, quoted pairs, folding). */
    private static final class Scanner {
        private final String text;
        /** For each '(' the index of its matching ')', -1 when it never closes (one pass, quoted pairs skipped). */
        private final int[] close;
        private int i;

        Scanner(String text) {
            this.text = text;
            this.close = new int[text.length()];
            java.util.Arrays.fill(close, -1);
            int[] open = new int[text.length()];
            int depth = 0;
            for (int j = 0; j < text.length(); j++) {
                char c = text.charAt(j);
                if (c == '\\' && depth > 0) {
                    j++;
                } else if (c == '(') {
                    open[depth++] = j;
                } else if (c == ')' && depth > 0) {
                    close[open[--depth]] = j;
                }
            }
        }

        boolean atEnd() {
            return i >= text.length();
        }

        /** Skips white space, folding and comments; top-level comments' contents go to {@code comments} when given. */
        void skipCfws(List<String> comments) {
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                    i++;
                } else if (c == '(' && close[i] > i) {
                    String comment = comment();
                    if (comments != null) {
                        comments.add(comment);
                    }
                } else {
                    // a '(' that never closes is a client's stray character (a HELO "a(b"): text, not the rest of the field
                    return;
                }
            }
        }

        /** Whether only spaces and tabs stand between the last line break and here (a folded line begins). */
        boolean atLineStart() {
            int j = i - 1;
            while (j >= 0 && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) {
                j--;
            }
            return j >= 0 && text.charAt(j) == '\n';
        }

        /** The comment opening here (it closes), its quoted pairs unescaped, nested comments kept. */
        private String comment() {
            int end = close[i];
            StringBuilder sb = new StringBuilder(end - i);
            for (int j = i + 1; j < end; j++) {
                char c = text.charAt(j);
                if (c == '\\' && j + 1 < end) {
                    c = text.charAt(++j);
                }
                sb.append(c);
            }
            i = end + 1;
            return sb.toString();
        }

        /** Past one character that starts no word. */
        void skip() {
            i++;
        }

        /**
         * A word, an address literal among them: up to white space or a '(' that opens a comment (one
         * never closed is part of the word). A literal holds no white space, so a client's stray '['
         * cannot swallow the comment after it.
         */
        String word() {
            int start = i;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || (c == '(' && close[i] > i)) {
                    break;
                }
                i++;
            }
            return text.substring(start, i);
        }
    }
}
