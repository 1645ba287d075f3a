package org.jamesspf.james.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jamesspf.james.text.HeaderSyntax;
import org.jamesspf.james.text.Sanitizer;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.Identity;
import org.jamesspf.spf.SpfResult;

/**
 * Renders Received-SPF (RFC 7208 9.1) and Authentication-Results (RFC 8601) header lines.
 * Every client- or DNS-supplied value is stripped of CR, LF and control characters, bounded,
 * and written as a dot-atom only when it is one, else as an escaped quoted-string, so no
 * value can end the header or start another.
 */
public final class HeaderRenderer {
    public static final String RECEIVED_SPF = "Received-SPF";
    public static final String AUTHENTICATION_RESULTS = "Authentication-Results";
    private static final int FOLD_AT = 78;

    private HeaderRenderer() {
    }

    /**
     * RFC 7208 9.1: {@code Received-SPF: result (comment) key=value; ...}, folded, without the final
     * CRLF. For a message a trusted gateway relayed ({@code gateway}), client-ip is the client the
     * gateway recorded and the extension key {@code x-gateway} (RFC 7208 9.1 {@code name}) names the gateway.
     */
    public static String receivedSpf(CheckOutcome outcome, String receiver, Optional<IpAddress> gateway) {
        SpfResult result = outcome.result();
        String ip = outcome.request().ip().toString();
        String identity = outcome.request().identity() == Identity.HELO ? "HELO " + outcome.domain()
            : "domain of " + outcome.request().sender();
        String comment;
        switch (result) {
            case PASS:
                comment = identity + " designates " + ip + " as permitted sender";
                break;
            case FAIL:
                comment = identity + " does not designate " + ip + " as permitted sender";
                break;
            case SOFTFAIL:
                comment = identity + " discourages use of " + ip + " as permitted sender";
                break;
            case NEUTRAL:
                comment = ip + " is neither permitted nor denied by " + identity;
                break;
            case NONE:
                comment = identity + " publishes no SPF record";
                break;
            case TEMPERROR:
                comment = "temporary error checking " + identity;
                break;
            case PERMERROR:
                comment = "permanent error in the SPF record of " + outcome.domain();
                break;
            default:
                throw new AssertionError(result);
        }
        List<String> pairs = new ArrayList<>();
        pairs.add("client-ip=" + HeaderSyntax.value(ip));
        if (outcome.request().identity() == Identity.MAILFROM) {
            pairs.add("envelope-from=" + HeaderSyntax.quoted(outcome.request().sender()));
        }
        pairs.add("helo=" + HeaderSyntax.value(outcome.request().helo()));
        pairs.add("receiver=" + HeaderSyntax.value(receiver));
        pairs.add("identity=" + outcome.request().identity().token());
        gateway.ifPresent(g -> pairs.add("x-gateway=" + HeaderSyntax.value(g.toString())));
        if (!outcome.term().isEmpty() && (result == SpfResult.PASS || result == SpfResult.FAIL || result == SpfResult.SOFTFAIL
            || result == SpfResult.NEUTRAL)) {
            pairs.add("mechanism=" + HeaderSyntax.value(outcome.term()));
        }
        if (!outcome.problem().isEmpty() && (result == SpfResult.PERMERROR || result == SpfResult.TEMPERROR)) {
            pairs.add("problem=" + HeaderSyntax.quoted(outcome.problem()));
        }
        StringBuilder line = new StringBuilder(RECEIVED_SPF).append(": ").append(result.token())
            .append(" (").append(HeaderSyntax.commentText(receiver + ": " + comment)).append(')');
        return fold(line, pairs, ";");
    }

    /**
     * RFC 8601 2.2: {@code Authentication-Results: authserv-id; spf=result (comment) smtp.mailfrom=...}
     * with one resinfo per outcome ({@code none} when there are none), {@code trailingComment} (when
     * not empty) as a comment after the last resinfo (RFC 8601 2.2 CFWS); for a message a trusted
     * gateway relayed, each resinfo's comment names the gateway.
     */
    public static String authenticationResults(String authservId, List<CheckOutcome> outcomes, String trailingComment,
                                               Optional<IpAddress> gateway) {
        List<String> resinfos = new ArrayList<>();
        String via = gateway.map(g -> ", via gateway " + g).orElse("");
        for (CheckOutcome outcome : outcomes) {
            StringBuilder r = new StringBuilder("spf=").append(outcome.result().token())
                .append(" (").append(HeaderSyntax.commentText("sender IP is " + outcome.request().ip() + via)).append(')');
            if (outcome.request().identity() == Identity.MAILFROM) {
                r.append(" smtp.mailfrom=").append(mailFromProperty(outcome.request().localPart(), outcome.domain()));
            } else {
                r.append(" smtp.helo=").append(HeaderSyntax.pvalue(outcome.domain()));
            }
            resinfos.add(r.toString());
        }
        // RFC 8601 2.5: authserv-id is a value (RFC 2045 token or quoted-string).
        StringBuilder line = new StringBuilder(AUTHENTICATION_RESULTS).append(": ").append(HeaderSyntax.tokenValue(authservId));
        if (resinfos.isEmpty()) {
            return line.append("; none").toString();
        }
        if (!trailingComment.isEmpty()) {
            int last = resinfos.size() - 1;
            resinfos.set(last, resinfos.get(last) + " (" + HeaderSyntax.commentText(trailingComment) + ")");
        }
        line.append(';');
        return fold(line, resinfos, ";");
    }

    /**
     * A transaction not held to its SPF result: RFC 8601 2.4 {@code policy}, a local policy that
     * replaces the method's result, the exemption named by the ptype {@code policy} property
     * ({@code spf=policy (exempt: ...) policy.exemption=forwarder smtp.mailfrom=...}).
     *
     * @param kind    the exemption's token ({@code forwarder}, {@code verified-helo}, ...)
     * @param detail  what showed it, as a comment
     * @param subject the transaction's MAIL FROM request
     */
    public static String authenticationResultsExempt(String authservId, String kind, String detail, CheckRequest subject,
                                                     String trailingComment) {
        StringBuilder r = new StringBuilder("spf=policy (").append(HeaderSyntax.commentText("exempt: " + detail)).append(')')
            .append(" policy.exemption=").append(HeaderSyntax.tokenValue(kind))
            .append(" smtp.mailfrom=").append(mailFromProperty(subject.localPart(), subject.domain()));
        if (!trailingComment.isEmpty()) {
            r.append(" (").append(HeaderSyntax.commentText(trailingComment)).append(')');
        }
        StringBuilder line = new StringBuilder(AUTHENTICATION_RESULTS).append(": ").append(HeaderSyntax.tokenValue(authservId)).append(';');
        return fold(line, List.of(r.toString()), ";");
    }

    /**
     * RFC 8601 2.7.2: smtp.mailfrom is local-part@domain when both are plain (dot-atom, LDH
     * domain-name), the domain alone when only the domain is, else the whole address as a
     * quoted-string. SPF domain syntax lets ';', '(', '=' and '"' through: never written raw.
     */
    public static String mailFromProperty(String localPart, String domain) {
        String d = Sanitizer.value(domain);
        if (!d.equals(domain) || !HeaderSyntax.isDomainName(d)) {
            return HeaderSyntax.quoted(localPart + "@" + domain);
        }
        String l = Sanitizer.value(localPart);
        return l.equals(localPart) && HeaderSyntax.isDotAtom(l) && l.length() <= 64 ? l + "@" + d : d;
    }

    /** Appends items separated by {@code separator}, folding with CRLF TAB before an item that would pass 78 columns. */
    private static String fold(StringBuilder line, List<String> items, String separator) {
        int lineStart = 0;
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
            if (i > 0) {
                line.append(separator);
            }
            if (line.length() - lineStart + 1 + item.length() > FOLD_AT) {
                line.append("\r\n\t");
                lineStart = line.length() - 1;
            } else {
                line.append(' ');
            }
            line.append(item);
        }
        return line.toString();
    }
}
