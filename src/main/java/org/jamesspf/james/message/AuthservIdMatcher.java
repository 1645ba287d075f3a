package org.jamesspf.james.message;

import javax.mail.internet.HeaderTokenizer;
import javax.mail.internet.ParseException;
import org.jamesspf.spf.Ascii;

/**
 * Recognises incoming Authentication-Results headers that claim our authserv-id (RFC 8601 5:
 * such headers are forgeries and must go). The authserv-id is read with javax.mail's
 * {@link HeaderTokenizer}, which knows RFC 5322 CFWS: nested comments, quoted-pairs inside
 * comments and quoted-strings, and folding.
 */
final class AuthservIdMatcher {
    private AuthservIdMatcher() {
    }

    /**
     * Whether the header value (what follows "Authentication-Results:") claims {@code authservId}.
     * RFC 8601 2.2: the value starts with [CFWS] authserv-id, a value (RFC 2045 token or
     * quoted-string), compared case-insensitively as domain names are.
     * A value that cannot be tokenised (an unbalanced comment or quote) is counted as a claim
     * when it names the authserv-id anywhere: a lenient reader downstream might read it as ours,
     * and removing a broken header costs nothing.
     */
    static boolean claims(String headerValue, String authservId) {
        String wanted = Ascii.toLowerCase(authservId);
        HeaderTokenizer tokens = new HeaderTokenizer(headerValue, HeaderTokenizer.MIME, true);
        try {
            HeaderTokenizer.Token first = tokens.next();
            int type = first.getType();
            if (type != HeaderTokenizer.Token.ATOM && type != HeaderTokenizer.Token.QUOTEDSTRING) {
                return false;
            }
            return Ascii.toLowerCase(first.getValue()).equals(wanted);
        } catch (ParseException e) {
            // Malformed: fall back to a plain search, erring on the side of removal (see above).
            return Ascii.toLowerCase(headerValue).contains(wanted);
        }
    }
}
