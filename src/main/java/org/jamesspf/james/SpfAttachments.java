package org.jamesspf.james;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.james.protocols.api.ProtocolSession;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.Identity;

/** Session attachment keys and mail attribute names of the hook. */
public final class SpfAttachments {
    /** The transaction's verdict, set at MAIL FROM (cleared by RSET and after each message). */
    static final ProtocolSession.AttachmentKey<Verdict> VERDICT =
        ProtocolSession.AttachmentKey.of("org.jamesspf.spf.verdict", Verdict.class);
    /** Outcomes already computed on this connection, so a MAIL FROM repeated after RSET is not checked twice. */
    static final ProtocolSession.AttachmentKey<OutcomeCache> CACHE =
        ProtocolSession.AttachmentKey.of("org.jamesspf.spf.cache", OutcomeCache.class);

    /** Mail attribute prefix; per identity: {@code org.jamesspf.spf.mailfrom.result} etc. */
    public static final String ATTRIBUTE_PREFIX = "org.jamesspf.spf.";
    /** Set (to the reason) when the checks were skipped for this mail. */
    public static final String SKIPPED_ATTRIBUTE = ATTRIBUTE_PREFIX + "skipped";

    private SpfAttachments() {
    }

    /** {@code org.jamesspf.spf.<identity>.<field>}, field one of result, domain, term, explanation. */
    public static String attribute(Identity identity, String field) {
        return ATTRIBUTE_PREFIX + identity.token() + "." + field;
    }

    /** A small per-connection memo of outcomes by request (a handful of MAIL FROMs at most). */
    static final class OutcomeCache {
        private static final int MAX_ENTRIES = 8;
        private final Map<CheckRequest, CheckOutcome> byRequest = new LinkedHashMap<>();

        // A connection's commands are handled one at a time, but the cache object lives in a
        // map James shares across threads: synchronize every access rather than some.
        synchronized CheckOutcome get(CheckRequest request) {
            return byRequest.get(request);
        }

        synchronized void put(CheckRequest request, CheckOutcome outcome) {
            if (byRequest.size() >= MAX_ENTRIES) {
                byRequest.remove(byRequest.keySet().iterator().next());
            }
            byRequest.put(request, outcome);
        }

        synchronized void clear() {
            byRequest.clear();
        }
    }
}
