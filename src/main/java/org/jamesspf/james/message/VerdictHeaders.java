package org.jamesspf.james.message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.jamesspf.james.config.SpfHookConfig;
import org.jamesspf.james.policy.Exemption;
import org.jamesspf.james.policy.GatewayOrigin;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.IpAddress;

/** The header fields a verdict adds, as configured: what the delivered message gets and the explain route shows. */
public final class VerdictHeaders {
    private VerdictHeaders() {
    }

    /**
     * The fields in order, each one line (folded): Authentication-Results (RFC 8601), then
     * Received-SPF (RFC 7208 9.1), MAIL FROM's on top. An exemption is RFC 8601 2.4 {@code policy}
     * (a local policy replaced the result) and writes no Received-SPF, which records SPF results only.
     *
     * @param wouldHave in dry-run, the reply that would have been sent (a comment, when configured)
     */
    public static List<String> lines(Verdict verdict, SpfHookConfig config, String receiver, Optional<String> wouldHave) {
        List<String> lines = new ArrayList<>();
        String comment = config.dryRunComment() ? wouldHave.map(r -> "dry-run: would have refused: " + r).orElse("") : "";
        Optional<IpAddress> gateway = verdict.gateway().filter(g -> g.client().isPresent()).map(GatewayOrigin::gateway);
        if (verdict.exemption().isPresent()) {
            Exemption e = verdict.exemption().get();
            if (config.authenticationResultsHeader() && verdict.subject().isPresent()) {
                lines.add(HeaderRenderer.authenticationResultsExempt(receiver, e.kind().token(), e.detail(), verdict.subject().get(),
                    comment));
            }
            return lines;
        }
        // No outcome (a fault before any request could be read): nothing to report.
        if (config.authenticationResultsHeader() && !verdict.outcomes().isEmpty()) {
            lines.add(HeaderRenderer.authenticationResults(receiver, verdict.outcomes(), comment, gateway));
        }
        if (config.receivedSpfHeader()) {
            List<CheckOutcome> outcomes = new ArrayList<>(verdict.outcomes());
            Collections.reverse(outcomes); // MAIL FROM's header on top
            for (CheckOutcome outcome : outcomes) {
                lines.add(HeaderRenderer.receivedSpf(outcome, receiver, gateway));
            }
        }
        return lines;
    }
}
