package org.jamesspf.james.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.james.core.MailAddress;
import org.jamesspf.james.checks.ExemptionClaims;
import org.jamesspf.james.policy.Exemption;
import org.jamesspf.james.policy.RecipientPolicy;
import org.jamesspf.james.policy.Verdict;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.TraceEvent;

/** The explain route's answer, piece by piece (README "Explain"): maps and lists in the order shown. */
final class ExplainJson {
    private ExplainJson() {
    }

    /** The input, the recipient's policy, and the keys set later in the order they are shown. */
    static Map<String, Object> start(IpAddress ip, String sender, String helo, MailAddress recipient, String receiver,
                                     RecipientPolicy policy, boolean gateway) {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("ip", ip.toString());
        input.put("sender", sender);
        input.put("helo", helo);
        input.put("rcpt", recipient == null ? null : recipient.asString());
        input.put("receiver", receiver);
        json.put("input", input);
        Map<String, Object> policyJson = new LinkedHashMap<>();
        policyJson.put("name", policy.name());
        policyJson.put("enforceAt", Ascii.toLowerCase(policy.enforceAt().name()));
        policyJson.put("dryRun", policy.dryRun());
        json.put("policy", policyJson);
        json.put("exemption", null);
        json.put("notJudged", "SMTP AUTH (<skip><authenticated>) and James's <authorizedAddresses> (<skip><relayingAllowed>)"
            + " are properties of a session");
        json.put("exemptionChecks", List.of());
        json.put("gateway", gateway ? ip + " is in <gateways><networks>: its messages are checked at the end of DATA, of the"
            + " client its Received field names (give that client's address and HELO here)" : null);
        return json;
    }

    /** An exempt transaction: accepted, with the header that records it. */
    static Map<String, Object> exempt(Map<String, Object> json, Exemption exemption, List<String> headers) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("kind", exemption.kind().token());
        e.put("detail", exemption.detail());
        json.put("exemption", e);
        json.putIfAbsent("checks", List.of());
        json.put("decision", Map.of("action", "accept", "why", "exempt: " + exemption));
        json.put("reply", null);
        json.put("headers", headers);
        return json;
    }

    static Map<String, Object> decision(Verdict.Decision decision, RecipientPolicy policy) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("action", decision.action().token());
        json.put("decidingIdentity", decision.deciding().map(o -> o.request().identity().token()).orElse(null));
        json.put("decidingResult", decision.deciding().map(o -> o.result().token()).orElse(null));
        json.put("decidingTerm", decision.deciding().map(CheckOutcome::term).orElse(null));
        json.put("enforcedAt", Ascii.toLowerCase(policy.enforceAt().name()));
        return json;
    }

    /** One claimed exemption and the check that verifies it. */
    static Map<String, Object> claim(ExemptionClaims.Claim claim, CheckOutcome o, boolean verified, List<Map<String, Object>> dns) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("exemption", claim.exemption().kind().token());
        c.put("claim", claim.exemption().detail());
        c.put("localPolicy", o.request().localPolicy().orElse(null));
        c.put("verified", verified);
        c.put("check", check(o, dns));
        return c;
    }

    /** One evaluation: its result and why, the RFC 7208 counters, every DNS query with its answer, the trace. */
    static Map<String, Object> check(CheckOutcome o, List<Map<String, Object>> dns) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("identity", o.request().identity().token());
        check.put("domain", o.domain());
        check.put("result", o.result().token());
        check.put("reason", o.reason().name());
        check.put("term", o.term());
        check.put("problem", o.problem());
        check.put("explanation", o.explanation());
        check.put("dnsLookups", o.dnsLookups());
        check.put("voidLookups", o.voidLookups());
        check.put("dnsQueries", o.dnsQueries());
        check.put("ms", o.elapsedNanos() / 1_000_000.0);
        check.put("dns", dns);
        List<String> trace = new ArrayList<>();
        for (TraceEvent e : o.trace()) {
            trace.add(e.toString());
        }
        check.put("trace", trace);
        return check;
    }
}
