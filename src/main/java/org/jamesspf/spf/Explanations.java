package org.jamesspf.spf;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.macro.MacroContext;
import org.jamesspf.spf.macro.MacroString;
import org.jamesspf.spf.record.SpfRecord;

/**
 * Macro values (RFC 7208 7.3) and explanations (6.2) of one evaluation: the letters' values from
 * the request and the current domain, the {@code p} macro's validated PTR name (looked up once),
 * and the explanation of a fail from the record's exp, or the default.
 */
final class Explanations implements MacroContext {
    private final Evaluation evaluation;
    private final MacroString defaultExplanation;
    private final Clock clock;
    private String validatedName;

    Explanations(Evaluation evaluation, MacroString defaultExplanation, Clock clock) {
        this.evaluation = evaluation;
        this.defaultExplanation = defaultExplanation;
        this.clock = clock;
    }

    /** RFC 7208 6.2: the explanation of a fail: the exp TXT, macro-expanded, else the default. */
    String explain(SpfRecord record) {
        MacroString exp = record.exp();
        if (exp != null) {
            String target = DomainNames.truncateDomain(exp.expand(this));
            if (DomainNames.isQueryableName(target)) {
                DnsAnswer<String> answer = evaluation.await(evaluation.txt(target));
                evaluation.trace(TraceEvent.Type.EXPLANATION, target, answer);
                // RFC 7208 6.2: DNS errors or not exactly one TXT record: no exp, use the default.
                if (answer.kind() == DnsAnswer.Kind.RECORDS && answer.records().size() == 1) {
                    MacroString.Parsed text = MacroString.parse(answer.records().get(0), MacroString.Context.EXPLANATION);
                    if (text.isValid()) {
                        return expandExplanation(text.value());
                    }
                    if (evaluation.tracing()) {
                        evaluation.trace(TraceEvent.Type.EXPLANATION, target, "invalid explanation: " + text.error());
                    }
                }
            } else {
                evaluation.trace(TraceEvent.Type.EXPLANATION, target, "not a valid domain name");
            }
        }
        return expandExplanation(defaultExplanation);
    }

    private String expandExplanation(MacroString text) {
        return text.expand(this);
    }

    @Override
    public String value(char letter) {
        return letter == 'p' ? validatedName() : macroValue(evaluation.request, letter, evaluation.currentDomain, clock);
    }

    /**
     * RFC 7208 7.3: the {@code p} macro: a validated PTR name of the client, preferring
     * the current domain, then a subdomain of it, then any; "unknown" when none.
     */
    private String validatedName() {
        if (validatedName != null) {
            return validatedName;
        }
        String found = "unknown";
        DnsAnswer<String> names = evaluation.await(evaluation.ptr());
        if (evaluation.tracing()) {
            evaluation.trace(TraceEvent.Type.LOOKUP, evaluation.request.ip().reverseName(), names);
        }
        if (names.kind() == DnsAnswer.Kind.RECORDS) {
            List<String> candidates = new ArrayList<>();
            List<String> records = names.records();
            for (int i = 0; i < Math.min(records.size(), Limits.MAX_NAMES_PER_TERM); i++) {
                candidates.add(DomainNames.stripDot(records.get(i)));
            }
            List<String> validated = evaluation.validate(candidates);
            String domain = Ascii.toLowerCase(evaluation.currentDomain);
            String subdomain = null;
            for (String name : validated) {
                String lower = Ascii.toLowerCase(name);
                if (lower.equals(domain)) {
                    subdomain = null;
                    found = name;
                    break;
                }
                if (subdomain == null && DomainNames.isSameOrSubdomain(lower, domain)) {
                    subdomain = name;
                }
            }
            if (found.equals("unknown")) {
                found = subdomain != null ? subdomain : validated.isEmpty() ? "unknown" : validated.get(0);
            }
        }
        validatedName = found;
        return found;
    }

    /** RFC 7208 7.3: the value of a macro letter other than {@code p} (which needs DNS). */
    static String macroValue(CheckRequest request, char letter, String currentDomain, Clock clock) {
        switch (letter) {
            case 's':
                return request.sender();
            case 'l':
                return request.localPart();
            case 'o':
                return request.domain();
            case 'd':
                return currentDomain;
            case 'i':
                return request.ip().toMacroForm();
            case 'v':
                return request.ip().isV6() ? "ip6" : "in-addr";
            case 'h':
                return request.helo();
            case 'c':
                return request.ip().toString();
            case 'r':
                return request.receiver();
            case 't':
                return Long.toString(clock.millis() / 1000);
            default:
                throw new AssertionError("macro letter not allowed here: " + letter);
        }
    }
}
