package org.jamesspf.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.macro.MacroString;
import org.jamesspf.spf.record.SpfRecord;

/**
 * Macro expansion in an evaluation (RFC 7208 7): domain-specs cut to 253 octets (4.8), the
 * {@code p} macro's validated PTR names (7.3, looked up once per check), and the explanation of a
 * fail (6.2). The values come from {@link MacroValues}; lookups, counters and trace from the
 * {@link Evaluation}.
 */
final class MacroExpansion {
    private final Evaluation e;
    private final MacroValues values;

    MacroExpansion(Evaluation e, MacroValues values) {
        this.e = e;
        this.values = values;
    }

    /**
     * RFC 7208 7.3, 4.8: a domain-spec, expanded and cut to 253 octets. A {@code p} macro needs
     * the client's validated PTR names first; their void lookups count (as pyspf and Mail::SPF
     * count them), and past the limit the term is a permerror, given to {@code failed}.
     */
    void expandDomain(MacroString spec, String term, Then<Step> failed, Then<String> then) {
        values.used(spec);
        if (!spec.uses('p')) {
            then.accept(spec.expandDomain(values));
            return;
        }
        validatePtrNames(true, overLimit -> {
            if (overLimit) {
                failed.accept(Step.of(SpfResult.PERMERROR, Reason.VOID_LIMIT, term, "more than " + e.limits().voidLookups() + " void lookups"));
            } else {
                then.accept(spec.expandDomain(values));
            }
        });
    }

    /**
     * RFC 7208 7.3: the client's validated PTR names (5.5), looked up once per check: the {@code p}
     * macro picks among them for the current domain each time it is expanded. With
     * {@code countVoids}, an empty PTR answer and each PTR name's empty address lookup count as
     * void lookups; {@code then} is told whether that passed the limit.
     */
    private void validatePtrNames(boolean countVoids, Then<Boolean> then) {
        if (values.validatedNames() != null) {
            then.accept(Boolean.FALSE);
            return;
        }
        e.await(e.ptr(), names -> {
            if (e.tracing()) {
                e.trace(TraceEvent.Type.LOOKUP, e.request.ip().reverseName(), names);
            }
            if (names.kind() != DnsAnswer.Kind.RECORDS) {
                values.validated(List.of());
                then.accept(countVoids && names.isVoid() && e.overVoidLimit());
                return;
            }
            List<String> candidates = new ArrayList<>();
            List<String> records = names.records();
            // RFC 7208 4.6.4: at most 10 PTR names are looked up.
            for (int i = 0; i < Math.min(records.size(), Limits.MAX_NAMES_PER_TERM); i++) {
                candidates.add(DomainNames.stripDot(records.get(i)));
            }
            List<CompletionStage<DnsAnswer<IpAddress>>> pending = new ArrayList<>(candidates.size());
            for (String name : candidates) {
                pending.add(e.addressesOf(name));
            }
            validateName(candidates, pending, 0, new ArrayList<>(candidates.size()), countVoids, then);
        });
    }

    private void validateName(List<String> names, List<CompletionStage<DnsAnswer<IpAddress>>> pending, int i, List<String> validated,
                              boolean countVoids, Then<Boolean> then) {
        if (i == names.size()) {
            values.validated(validated);
            then.accept(Boolean.FALSE);
            return;
        }
        e.await(pending.get(i), addresses -> {
            if (addresses.isVoid() && countVoids && e.overVoidLimit()) {
                values.validated(validated);
                then.accept(Boolean.TRUE);
                return;
            }
            if (addresses.records().contains(e.request.ip())) {
                validated.add(names.get(i));
            }
            validateName(names, pending, i + 1, validated, countVoids, then);
        });
    }

    /**
     * RFC 7208 6.2: the explanation of a fail: the exp TXT, macro-expanded, else the default; at
     * most {@link SpfChecker#MAX_EXPLANATION_OCTETS} octets are ever built. Lookups made for it
     * are no term's: RFC 7208 4.6.4 is silent on them, and we count no void lookup there (pyspf
     * counts them but ignores a limit passed there, so the result is the same).
     */
    void explain(SpfRecord record, Then<String> then) {
        MacroString exp = record.exp();
        if (exp == null) {
            explanation(e.checker().defaultExplanation(), then);
            return;
        }
        Then<String> withTarget = target -> {
            if (!DomainNames.isQueryableName(target)) {
                e.trace(TraceEvent.Type.EXPLANATION, target, "not a valid domain name");
                explanation(e.checker().defaultExplanation(), then);
                return;
            }
            e.await(e.txt(target), answer -> {
                e.trace(TraceEvent.Type.EXPLANATION, target, answer);
                // RFC 7208 6.2: DNS errors or not exactly one TXT record: no exp, use the default.
                if (answer.kind() == DnsAnswer.Kind.RECORDS && answer.records().size() == 1) {
                    MacroString.Parsed text = MacroString.parse(answer.records().get(0), MacroString.Context.EXPLANATION);
                    if (text.isValid()) {
                        explanation(text.value(), then);
                        return;
                    }
                    if (e.tracing()) {
                        e.trace(TraceEvent.Type.EXPLANATION, target, "invalid explanation: " + text.error());
                    }
                }
                explanation(e.checker().defaultExplanation(), then);
            });
        };
        values.used(exp);
        if (exp.uses('p')) {
            validatePtrNames(false, ignored -> withTarget.accept(exp.expandDomain(values)));
        } else {
            withTarget.accept(exp.expandDomain(values));
        }
    }

    private void explanation(MacroString text, Then<String> then) {
        values.used(text);
        if (text.uses('p')) {
            validatePtrNames(false, ignored -> then.accept(text.expand(values, SpfChecker.MAX_EXPLANATION_OCTETS)));
        } else {
            then.accept(text.expand(values, SpfChecker.MAX_EXPLANATION_OCTETS));
        }
    }
}
