package org.jamesspf.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.record.Mechanism;

/**
 * The mechanisms that ask DNS (RFC 7208 5.2 to 5.5, 5.7): each ends with {@link Step#MATCHES},
 * {@link Step#DOES_NOT_MATCH} or the error step that ends the check, handed to its continuation.
 * Lookups, counters and the trace are the {@link Evaluation}'s.
 */
final class DnsMechanisms {
    private final Evaluation e;
    private final MacroExpansion macros;

    DnsMechanisms(Evaluation e, MacroExpansion macros) {
        this.e = e;
        this.macros = macros;
    }

    /** A DNS mechanism: Step.MATCHES, Step.DOES_NOT_MATCH, or an error step. */
    void evaluate(Mechanism m, Then<Step> then) {
        if (m.kind() == Mechanism.Kind.EXISTS || m.kind() == Mechanism.Kind.INCLUDE) {
            macros.expandDomain(m.domainSpec(), m.text(), then, target -> {
                if (m.kind() == Mechanism.Kind.EXISTS) {
                    evaluateExists(m, target, then);
                } else {
                    evaluateInclude(m, target, then);
                }
            });
            return;
        }
        Then<String> withTarget = target -> {
            if (!DomainNames.isQueryableName(target)) {
                // RFC 7208 4.8 is silent on a domain-spec that expands to an invalid name; like
                // pyspf and the openspf suite we treat it as a name that cannot exist: no match.
                e.trace(TraceEvent.Type.LOOKUP, target, "not a valid domain name");
                then.accept(Step.DOES_NOT_MATCH);
                return;
            }
            switch (m.kind()) {
                case A:
                    evaluateA(m, target, then);
                    return;
                case MX:
                    evaluateMx(m, target, then);
                    return;
                case PTR:
                    evaluatePtr(m, target, then);
                    return;
                default:
                    throw new AssertionError(m.kind());
            }
        };
        if (m.domainSpec() == null) {
            withTarget.accept(e.currentDomain);
        } else {
            macros.expandDomain(m.domainSpec(), m.text(), then, withTarget);
        }
    }

    /** RFC 7208 5.3: match the client IP against the target's A (or AAAA) records. */
    private void evaluateA(Mechanism m, String target, Then<Step> then) {
        e.await(e.addressesOf(target), answer -> {
            e.trace(TraceEvent.Type.LOOKUP, target, answer);
            if (answer.kind() == DnsAnswer.Kind.TEMPFAIL) {
                then.accept(tempError(m, target));
            } else if (answer.isVoid()) {
                then.accept(voidLookup(m));
            } else {
                then.accept(anyInNetwork(answer.records(), m) ? Step.MATCHES : Step.DOES_NOT_MATCH);
            }
        });
    }

    /** RFC 7208 5.4: match against the addresses of the target's MX hosts; no implicit MX. */
    private void evaluateMx(Mechanism m, String target, Then<Step> then) {
        e.await(e.mx(target), answer -> {
            if (e.tracing()) {
                e.trace(TraceEvent.Type.LOOKUP, target + " MX", answer);
            }
            if (answer.kind() == DnsAnswer.Kind.TEMPFAIL) {
                then.accept(tempError(m, target));
                return;
            }
            if (answer.isVoid()) {
                then.accept(voidLookup(m));
                return;
            }
            List<String> hosts = answer.records();
            if (hosts.size() > Limits.MAX_NAMES_PER_TERM) {
                // RFC 7208 4.6.4: more than 10 MX names is permerror.
                then.accept(Step.of(SpfResult.PERMERROR, Reason.MX_LIMIT, m.text(), target + " has more than " + Limits.MAX_NAMES_PER_TERM + " MX records"));
                return;
            }
            // The address lookups of the MX hosts are independent: all are asked at once, and the
            // answers read in MX order, as a sequential evaluation would meet them.
            List<CompletionStage<DnsAnswer<IpAddress>>> pending = new ArrayList<>(hosts.size());
            for (String host : hosts) {
                pending.add(e.addressesOf(host));
            }
            mxHost(m, hosts, pending, 0, then);
        });
    }

    private void mxHost(Mechanism m, List<String> hosts, List<CompletionStage<DnsAnswer<IpAddress>>> pending, int i, Then<Step> then) {
        if (i == hosts.size()) {
            then.accept(Step.DOES_NOT_MATCH);
            return;
        }
        e.await(pending.get(i), addresses -> {
            e.trace(TraceEvent.Type.LOOKUP, hosts.get(i), addresses);
            if (addresses.kind() == DnsAnswer.Kind.TEMPFAIL) {
                // RFC 7208 5: a DNS error in a lookup the mechanism needs ends the check with
                // temperror; only ptr (5.5) skips failing names.
                then.accept(tempError(m, hosts.get(i)));
            } else if (addresses.isVoid() && e.overVoidLimit()) {
                // RFC 7208 4.6.4: each MX host's empty address lookup is a void lookup (as
                // pyspf and Mail::SPF count it).
                then.accept(voidLimit(m));
            } else if (!addresses.isVoid() && anyInNetwork(addresses.records(), m)) {
                then.accept(Step.MATCHES);
            } else {
                mxHost(m, hosts, pending, i + 1, then);
            }
        });
    }

    /** RFC 7208 5.5: a validated PTR name equal to or under the target domain. */
    private void evaluatePtr(Mechanism m, String target, Then<Step> then) {
        e.await(e.ptr(), names -> {
            if (e.tracing()) {
                e.trace(TraceEvent.Type.LOOKUP, e.request.ip().reverseName(), names);
            }
            if (names.isVoid()) {
                // RFC 7208 4.6.4: an empty PTR answer is a void lookup (pyspf, Mail::SPF).
                then.accept(voidLookup(m));
                return;
            }
            // RFC 7208 5.5: a DNS error on the PTR lookup means no match (not temperror).
            if (names.kind() != DnsAnswer.Kind.RECORDS) {
                then.accept(Step.DOES_NOT_MATCH);
                return;
            }
            String lowerTarget = Ascii.toLowerCase(DomainNames.truncateDomain(target));
            List<String> candidates = new ArrayList<>(4);
            List<String> records = names.records();
            // RFC 7208 4.6.4: only the first 10 PTR names are considered.
            int considered = Math.min(records.size(), Limits.MAX_NAMES_PER_TERM);
            for (int i = 0; i < considered; i++) {
                String name = DomainNames.stripDot(records.get(i));
                if (DomainNames.isSameOrSubdomain(Ascii.toLowerCase(name), lowerTarget)) {
                    candidates.add(name);
                }
            }
            List<CompletionStage<DnsAnswer<IpAddress>>> pending = new ArrayList<>(candidates.size());
            for (String name : candidates) {
                pending.add(e.addressesOf(name));
            }
            ptrName(m, candidates, pending, 0, then);
        });
    }

    private void ptrName(Mechanism m, List<String> names, List<CompletionStage<DnsAnswer<IpAddress>>> pending, int i, Then<Step> then) {
        if (i == names.size()) {
            then.accept(Step.DOES_NOT_MATCH);
            return;
        }
        e.await(pending.get(i), addresses -> {
            if (addresses.isVoid() && e.overVoidLimit()) {
                // RFC 7208 4.6.4: a PTR name's empty address lookup is a void lookup (pyspf, Mail::SPF).
                then.accept(voidLimit(m));
            } else if (addresses.records().contains(e.request.ip())) {
                e.trace(TraceEvent.Type.LOOKUP, names.get(i), "validated");
                then.accept(Step.MATCHES);
            } else {
                // RFC 7208 5.5: a DNS error skips the name
                ptrName(m, names, pending, i + 1, then);
            }
        });
    }

    /** RFC 7208 5.7: an A lookup, whatever the client's address family. */
    private void evaluateExists(Mechanism m, String target, Then<Step> then) {
        if (!DomainNames.isQueryableName(target)) {
            e.trace(TraceEvent.Type.LOOKUP, target, "not a valid domain name");
            then.accept(Step.DOES_NOT_MATCH);
            return;
        }
        e.await(e.a(target), answer -> {
            if (e.tracing()) {
                e.trace(TraceEvent.Type.LOOKUP, target + " A", answer);
            }
            if (answer.kind() == DnsAnswer.Kind.TEMPFAIL) {
                then.accept(tempError(m, target));
            } else if (answer.isVoid()) {
                then.accept(voidLookup(m));
            } else {
                then.accept(Step.MATCHES);
            }
        });
    }

    /** RFC 7208 5.2: recursive check_host(); pass matches, fail/softfail/neutral do not, none is permerror. */
    private void evaluateInclude(Mechanism m, String target, Then<Step> then) {
        if (!DomainNames.isQueryableName(target)) {
            then.accept(Step.of(SpfResult.PERMERROR, Reason.INCLUDE_NONE, m.text(), "include target '" + target + "' is not a valid domain"));
            return;
        }
        e.depth++;
        // RFC 7208 6.2: the exp of an included record is never used.
        e.checkDomain(target, false, inner -> {
            e.depth--;
            switch (inner.result) {
                case PASS:
                    then.accept(Step.MATCHES);
                    return;
                case FAIL:
                case SOFTFAIL:
                case NEUTRAL:
                    then.accept(Step.DOES_NOT_MATCH);
                    return;
                case TEMPERROR:
                case PERMERROR:
                    then.accept(inner);
                    return;
                case NONE:
                    then.accept(Step.of(SpfResult.PERMERROR, Reason.INCLUDE_NONE, m.text(), "include target " + target + " has no SPF record"));
                    return;
                default:
                    throw new AssertionError(inner.result);
            }
        });
    }

    private Step tempError(Mechanism m, String target) {
        return Step.of(SpfResult.TEMPERROR, Reason.DNS_TEMPFAIL, m.text(), "DNS failure looking up " + target);
    }

    /** A void lookup of a term: no match, or permerror past the limit. */
    private Step voidLookup(Mechanism m) {
        return e.overVoidLimit() ? voidLimit(m) : Step.DOES_NOT_MATCH;
    }

    private Step voidLimit(Mechanism m) {
        return Step.of(SpfResult.PERMERROR, Reason.VOID_LIMIT, m.text(), "more than " + e.limits().voidLookups() + " void lookups");
    }

    private boolean anyInNetwork(List<IpAddress> addresses, Mechanism m) {
        IpAddress ip = e.request.ip();
        int prefix = m.prefixFor(ip);
        for (IpAddress address : addresses) {
            if (ip.isIn(address, prefix)) {
                return true;
            }
        }
        return false;
    }
}
