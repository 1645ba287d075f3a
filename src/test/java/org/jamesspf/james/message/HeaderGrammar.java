package org.jamesspf.james.message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jamesspf.james.text.HeaderSyntax;

/**
 * Strict readers of the two headers we write, for round-trip tests: RFC 8601 2.2
 * Authentication-Results and RFC 7208 9.1 Received-SPF, over RFC 5322 CFWS (nested comments,
 * quoted-pairs, folding). Anything off the grammar throws {@link IllegalArgumentException} with
 * the position: a CR or LF that is not folding, a control or non-ASCII character, an unclosed
 * comment or quoted-string, a missing '='.
 */
public final class HeaderGrammar {
    private final String s;
    private int pos;

    private HeaderGrammar(String s, int pos) {
        this.s = s;
        this.pos = pos;
    }

    /** One resinfo: method, result, reason (or null) and the properties in order, values unquoted. */
    public static final class Resinfo {
        public final String method;
        public final String result;
        public final String reason;
        public final Map<String, String> properties;

        public Resinfo(String method, String result, String reason, Map<String, String> properties) {
            this.method = method;
            this.result = result;
            this.reason = reason;
            this.properties = properties;
        }

        public static Resinfo of(String method, String result, String property, String value) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put(property, value);
            return new Resinfo(method, result, null, p);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Resinfo)) {
                return false;
            }
            Resinfo r = (Resinfo) o;
            return method.equals(r.method) && result.equals(r.result) && Objects.equals(reason, r.reason)
                && properties.equals(r.properties);
        }

        @Override
        public int hashCode() {
            return Objects.hash(method, result, reason, properties);
        }

        @Override
        public String toString() {
            return method + "=" + result + (reason != null ? " reason=" + reason : "") + " " + properties;
        }
    }

    /** An Authentication-Results header: its authserv-id and resinfos (empty for "none"). */
    public static final class AuthResults {
        public final String authservId;
        public final List<Resinfo> resinfos;

        AuthResults(String authservId, List<Resinfo> resinfos) {
            this.authservId = authservId;
            this.resinfos = resinfos;
        }
    }

    /** A Received-SPF header: result, comment (unescaped) and key-value pairs in order. */
    public static final class ReceivedSpf {
        public final String result;
        public final String comment;
        public final Map<String, String> pairs;

        ReceivedSpf(String result, String comment, Map<String, String> pairs) {
            this.result = result;
            this.comment = comment;
            this.pairs = pairs;
        }
    }

    /** RFC 8601 2.2, the whole header line ("Authentication-Results: ..."), folding included. */
    public static AuthResults authenticationResults(String header) {
        HeaderGrammar g = new HeaderGrammar(header, 0);
        g.checkCharacters();
        g.expectLiteral("Authentication-Results:");
        g.cfws();
        String authservId = g.value();
        g.cfws();
        if (g.peekDigit()) {
            g.digits(); // authres-version
            g.cfws();
        }
        List<Resinfo> resinfos = new ArrayList<>();
        g.expect(';');
        g.cfws();
        if (g.s.startsWith("none", g.pos) && g.atEndAfter(g.pos + 4)) {
            g.pos += 4;
            g.cfws();
            g.expectEnd();
            return new AuthResults(authservId, resinfos);
        }
        while (true) {
            resinfos.add(g.resinfo());
            g.cfws();
            if (g.pos == g.s.length()) {
                return new AuthResults(authservId, resinfos);
            }
            g.expect(';');
        }
    }

    /** RFC 7208 9.1, the whole header line ("Received-SPF: ..."), folding included. */
    public static ReceivedSpf receivedSpf(String header) {
        HeaderGrammar g = new HeaderGrammar(header, 0);
        g.checkCharacters();
        g.expectLiteral("Received-SPF:");
        g.cfwsNoComment();
        String result = g.keyword();
        if (!List.of("pass", "fail", "softfail", "neutral", "none", "temperror", "permerror").contains(result)) {
            throw g.error("unknown result '" + result + "'");
        }
        g.fws(true);
        String comment = null;
        if (g.peek() == '(') {
            comment = g.comment();
            g.fws(false);
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        while (g.pos < g.s.length()) {
            String key = g.name();
            g.cfws();
            g.expect('=');
            g.cfws();
            String value = g.peek() == '"' ? g.quotedString() : g.dotAtom();
            if (pairs.put(key, value) != null) {
                throw g.error("key '" + key + "' twice");
            }
            g.cfws();
            if (g.pos == g.s.length()) {
                break;
            }
            g.expect(';');
            g.cfws();
        }
        return new ReceivedSpf(result, comment, pairs);
    }

    private Resinfo resinfo() {
        cfws();
        String method = keyword();
        cfws();
        if (peek() == '/') {
            pos++;
            cfws();
            digits();
            cfws();
        }
        expect('=');
        cfws();
        String result = keyword();
        String reason = null;
        Map<String, String> properties = new LinkedHashMap<>();
        cfws();
        if (s.startsWith("reason", pos) && nextNonCfwsIs(pos + 6, '=')) {
            pos += 6;
            cfws();
            expect('=');
            cfws();
            reason = value();
            cfws();
        }
        while (pos < s.length() && peek() != ';') {
            String ptype = keyword();
            cfws();
            expect('.');
            cfws();
            String property = keyword();
            cfws();
            expect('=');
            String value = pvalue();
            if (properties.put(ptype + "." + property, value) != null) {
                throw error("property " + ptype + "." + property + " twice");
            }
        }
        return new Resinfo(method, result, reason, properties);
    }

    /** RFC 8601 2.3: pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]. */
    private String pvalue() {
        cfws();
        String v;
        if (peek() == '"') {
            String q = quotedString();
            if (peek() == '@') {
                pos++;
                v = q + "@" + domainName();
            } else {
                v = q;
            }
        } else if (peek() == '@') {
            pos++;
            v = "@" + domainName();
        } else {
            int start = pos;
            while (pos < s.length() && isRunChar(s.charAt(pos))) {
                pos++;
            }
            String run = s.substring(start, pos);
            if (run.isEmpty()) {
                throw error("empty property value");
            }
            if (peek() == '@') {
                if (!HeaderSyntax.isDotAtom(run)) {
                    throw error("local-part '" + run + "' is no dot-atom");
                }
                pos++;
                v = run + "@" + domainName();
            } else if (HeaderSyntax.isToken(run)) {
                v = run;
            } else {
                throw error("'" + run + "' is neither a token nor an address");
            }
        }
        cfws();
        return v;
    }

    private static boolean isRunChar(char c) {
        return c > 0x20 && c < 0x7F && "()<>@,;:\\\"[]".indexOf(c) < 0;
    }

    private String domainName() {
        int start = pos;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '-' || s.charAt(pos) == '.')
            && s.charAt(pos) < 0x80) {
            pos++;
        }
        String d = s.substring(start, pos);
        if (!HeaderSyntax.isDomainName(d)) {
            throw error("'" + d + "' is no domain-name");
        }
        return d;
    }

    /** RFC 2045 value: token / quoted-string; quoted-strings come back unescaped. */
    private String value() {
        if (peek() == '"') {
            return quotedString();
        }
        int start = pos;
        while (pos < s.length() && isRunChar(s.charAt(pos)) && "/?=".indexOf(s.charAt(pos)) < 0) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a token or quoted-string");
        }
        return s.substring(start, pos);
    }

    /** RFC 5321 Ldh-str as RFC 8601 Keyword. */
    private String keyword() {
        return keywordAfter(0);
    }

    private String keywordAfter(int skip) {
        pos += skip;
        int start = pos;
        while (pos < s.length() && (isAlnum(s.charAt(pos)) || s.charAt(pos) == '-')) {
            pos++;
        }
        if (start == pos || s.charAt(pos - 1) == '-') {
            throw error("expected a keyword");
        }
        return s.substring(start, pos);
    }

    /** RFC 7208 9.1 name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ). */
    private String name() {
        int start = pos;
        if (pos >= s.length() || !Character.isLetter(s.charAt(pos)) || s.charAt(pos) >= 0x80) {
            throw error("expected a key");
        }
        while (pos < s.length() && (isAlnum(s.charAt(pos)) || "-_.".indexOf(s.charAt(pos)) >= 0)) {
            pos++;
        }
        return s.substring(start, pos);
    }

    private String dotAtom() {
        int start = pos;
        while (pos < s.length() && (isAtext(s.charAt(pos)) || s.charAt(pos) == '.')) {
            pos++;
        }
        String v = s.substring(start, pos);
        if (!HeaderSyntax.isDotAtom(v)) {
            throw error("expected a dot-atom or quoted-string, got '" + v + "'");
        }
        return v;
    }

    private static boolean isAtext(char c) {
        return isAlnum(c) || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private String quotedString() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("unclosed quoted-string");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\') {
                if (pos >= s.length()) {
                    throw error("quoted-pair at the end");
                }
                out.append(s.charAt(pos++));
            } else if (c == '\r') {
                pos += 2; // folding checked by checkCharacters: CRLF WSP
                out.append(s.charAt(pos - 1));
            } else {
                out.append(c);
            }
        }
    }

    /** A comment, nested comments and quoted-pairs allowed; returns its text unescaped. */
    private String comment() {
        expect('(');
        StringBuilder out = new StringBuilder();
        int depth = 1;
        while (true) {
            if (pos >= s.length()) {
                throw error("unclosed comment");
            }
            char c = s.charAt(pos++);
            if (c == '\\') {
                if (pos >= s.length()) {
                    throw error("quoted-pair at the end");
                }
                out.append(s.charAt(pos++));
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (--depth == 0) {
                    return out.toString();
                }
            }
            out.append(c == '\r' || c == '\n' ? ' ' : c);
        }
    }

    private void cfws() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t') {
                pos++;
            } else if (c == '\r') {
                pos += 3;
            } else if (c == '(') {
                comment();
            } else {
                return;
            }
        }
    }

    private void cfwsNoComment() {
        fws(false);
    }

    private void fws(boolean required) {
        int start = pos;
        while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == '\r')) {
            pos += s.charAt(pos) == '\r' ? 3 : 1;
        }
        if (required && start == pos) {
            throw error("expected white space");
        }
    }

    private boolean nextNonCfwsIs(int from, char wanted) {
        HeaderGrammar look = new HeaderGrammar(s, from);
        look.cfws();
        return look.pos < s.length() && s.charAt(look.pos) == wanted;
    }

    private boolean atEndAfter(int from) {
        HeaderGrammar look = new HeaderGrammar(s, from);
        look.cfws();
        return look.pos == s.length();
    }

    private boolean peekDigit() {
        return pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9';
    }

    private void digits() {
        int start = pos;
        while (peekDigit()) {
            pos++;
        }
        if (start == pos) {
            throw error("expected digits");
        }
    }

    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void expect(char c) {
        if (peek() != c || pos >= s.length()) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void expectLiteral(String literal) {
        if (!s.startsWith(literal, pos)) {
            throw error("expected '" + literal + "'");
        }
        pos += literal.length();
    }

    private void expectEnd() {
        if (pos != s.length()) {
            throw error("trailing text");
        }
    }

    /** RFC 5322 2.2: printable ASCII, WSP, and CRLF only as folding (CRLF followed by WSP). */
    private void checkCharacters() {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r') {
                if (i + 2 >= s.length() || s.charAt(i + 1) != '\n' || (s.charAt(i + 2) != ' ' && s.charAt(i + 2) != '\t')) {
                    throw new IllegalArgumentException("CR not part of folding at " + i + " in: " + s);
                }
                i++;
            } else if (c == '\n') {
                throw new IllegalArgumentException("bare LF at " + i + " in: " + s);
            } else if ((c < 0x20 && c != '\t') || c >= 0x7F) {
                throw new IllegalArgumentException("control or non-ASCII character at " + i + " in: " + s);
            }
        }
        for (String line : s.split("\r\n")) {
            if (line.length() > 998) {
                throw new IllegalArgumentException("line over 998 characters in: " + s);
            }
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(message + " at " + pos + " in: " + s);
    }
}
