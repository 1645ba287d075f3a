package org.jamesspf.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.SpfDns;
import org.jamesspf.spf.macro.MacroString;
import org.jamesspf.spf.record.Mechanism;
import org.jamesspf.spf.record.ParseResult;
import org.jamesspf.spf.record.SpfRecord;
import org.jamesspf.spf.record.SpfRecordParser;

/**
 * One check_host() evaluation (RFC 7208 4.4 to 5.7 and 6.1), read top-down: the record lookup
 * and selection, then each mechanism in order, then redirect. The per-call state lives here:
 * counters, the current domain, the trace. Never shared, never stored.
 */
final class Evaluation {
    /** An intermediate result of one domain's evaluation. */
    static final class Step {
        final SpfResult result;
        final Reason reason;
        final String term;
        final String problem;
        final String explanation;

        Step(SpfResult result, Reason reason, String term, String problem, String explanation) {
            this.result = result;
            this.reason = reason;
            this.term = term;
            this.problem = problem;
            this.explanation = explanation;
        }

        static Step of(SpfResult result, Reason reason, String term, String problem) {
            return new Step(result, reason, term, problem, "");
        }

        Step withTerm(String newTerm) {
            return new Step(result, reason, newTerm, problem, explanation);
        }
    }

    /** Whether a term matched; or the error result it gave. */
    private static final Step MATCH = Step.of(SpfResult.PASS, Reason.MATCHED, "", "");
    private static final Step NO_MATCH = Step.of(SpfResult.NEUTRAL, Reason.NO_MATCH, "", "");

    final CheckRequest request;
    final long deadline;
    final List<TraceEvent> trace;
    int lookups;
    int voids;
    int depth;
    boolean budgetExceeded;
    String currentDomain;

    /**
     * Created the first time the evaluation would wait for DNS: answers that are there at once (an
     * in-memory zone, a resolver's cache) gain nothing from fetching ahead, so they pay nothing.
     */
    private FetchAhead ahead;
    private final boolean fetchAhead;
    /** The records being evaluated, innermost first, with the index of the term in hand. */
    private Frame frames;

    private static final class Frame {
        final SpfRecord record;
        final String domain;
        final Frame outer;
        int index = -1;

        Frame(SpfRecord record, String domain, Frame outer) {
            this.record = record;
            this.domain = domain;
            this.outer = outer;
        }
    }
    private final SpfDns dns;
    /** The queries this evaluation sent (fetch-ahead's included). */
    final CountingDns queries;
    private final Limits limits;
    private final boolean tracing;
    private final Explanations explanations;
    private final SpfChecker checker;

    Evaluation(SpfChecker checker, CheckRequest request, long deadline) {
        this.checker = checker;
        this.queries = new CountingDns(checker.dns());
        this.dns = queries;
        this.limits = checker.limits();
        this.tracing = checker.tracing();
        this.request = request;
        this.deadline = deadline;
        this.fetchAhead = checker.fetchAhead();
        this.explanations = new Explanations(this, checker.defaultExplanationString(), checker.clock());
        this.trace = tracing ? new ArrayList<>(16) : List.of();
        this.currentDomain = request.domain();
    }

    boolean tracing() {
        return tracing;
    }

    /** Appends a trace event; callers whose arguments cost anything to build check {@link #tracing()} first. */
    void trace(TraceEvent.Type type, String subject, Object detail) {
        if (!tracing) {
            return;
        }
        int size = trace.size();
        if (size < SpfChecker.MAX_TRACE_EVENTS - 1) {
            trace.add(new TraceEvent(depth, type, subject, detail));
        } else if (size == SpfChecker.MAX_TRACE_EVENTS - 1) {
            trace.add(new TraceEvent(depth, TraceEvent.Type.TRUNCATED, "trace", "limit of " + SpfChecker.MAX_TRACE_EVENTS + " events reached"));
        }
    }

    Step run() {
        String domain = request.domain();
        // RFC 7208 4.3: a malformed or single-label domain gives none without any lookup.
        if (!DomainNames.isValidDomain(domain)) {
            trace(TraceEvent.Type.RESULT, domain, "none: not a valid domain name");
            return Step.of(SpfResult.NONE, Reason.INVALID_DOMAIN, "", "'" + domain + "' is not a valid domain name");
        }
        Step step = checkDomain(DomainNames.truncateDomain(domain), true);
        if (budgetExceeded && step.result == SpfResult.TEMPERROR) {
            return Step.of(SpfResult.TEMPERROR, Reason.TIME_BUDGET, step.term, "time budget of " + limits.timeBudget().toMillis() + " ms exceeded");
        }
        return step;
    }

    /** check_host() for one domain: record lookup (4.4), selection (4.5), evaluation (4.6). */
    Step checkDomain(String domain, boolean explain) {
        String savedDomain = currentDomain;
        currentDomain = domain;
        try {
            return evaluateDomain(domain, explain);
        } finally {
            currentDomain = savedDomain;
        }
    }

    private Step evaluateDomain(String domain, boolean explain) {
        DnsAnswer<String> answer = await(txt(domain));
        switch (answer.kind()) {
            case TEMPFAIL:
                // RFC 7208 4.4: a DNS error other than "no such name" gives temperror.
                if (tracing) {
                    trace(TraceEvent.Type.RECORD, domain, "temperror: " + answer.detail());
                }
                return Step.of(SpfResult.TEMPERROR, Reason.DNS_TEMPFAIL, "", "DNS failure looking up the TXT records of " + domain);
            case NXDOMAIN:
            case NODATA:
                // RFC 7208 4.3, 4.4: no such name or no TXT records: none.
                if (tracing) {
                    trace(TraceEvent.Type.RECORD, domain, "none: " + answer.kind());
                }
                return Step.of(SpfResult.NONE, Reason.NO_RECORD, "", domain + " has no SPF record");
            case RECORDS:
                break;
            default:
                throw new AssertionError(answer.kind());
        }
        String recordText = null;
        // RFC 7208 4.5: keep only records that begin with "v=spf1"; more than one is permerror.
        for (String txt : answer.records()) {
            if (SpfRecordParser.isSpfRecord(txt)) {
                if (recordText != null) {
                    trace(TraceEvent.Type.RECORD, domain, "permerror: more than one SPF record");
                    return Step.of(SpfResult.PERMERROR, Reason.MULTIPLE_RECORDS, "", domain + " has more than one SPF record");
                }
                recordText = txt;
            }
        }
        if (recordText == null) {
            trace(TraceEvent.Type.RECORD, domain, "none: no v=spf1 record");
            return Step.of(SpfResult.NONE, Reason.NO_RECORD, "", domain + " has no SPF record");
        }
        trace(TraceEvent.Type.RECORD, domain, recordText);
        ParseResult parse = checker.parse(recordText);
        if (!parse.isValid()) {
            // RFC 7208 4.6: a syntax error anywhere in the record is permerror.
            if (tracing) {
                trace(TraceEvent.Type.RESULT, domain, "permerror: " + parse.message());
            }
            return Step.of(SpfResult.PERMERROR, Reason.SYNTAX, parse.term(),
                "syntax error in the record of " + domain + " at '" + parse.term() + "': " + parse.message());
        }
        return evaluateRecord(domain, parse.record(), explain);
    }

    CompletionStage<DnsAnswer<String>> txt(String name) {
        return ahead != null ? ahead.txt(name) : dns.txt(name);
    }

    private Step evaluateRecord(String domain, SpfRecord record, boolean explain) {
        Frame frame = fetchAhead ? new Frame(record, domain, frames) : null;
        if (frame != null) {
            frames = frame;
            if (ahead != null) {
                ahead.ahead(record, domain, 0);
            }
        }
        try {
            return evaluateTerms(domain, record, explain, frame);
        } finally {
            if (frame != null) {
                frames = frame.outer;
            }
        }
    }

    /** The first time a lookup is not answered at once: fetch ahead from every record in hand, past its current term. */
    private void startFetchingAhead() {
        ahead = new FetchAhead(dns, checker.clock(), request, checker::parse, limits.dnsTerms() - lookups);
        for (Frame f = frames; f != null; f = f.outer) {
            ahead.ahead(f.record, f.domain, f.index + 1);
        }
    }

    private Step evaluateTerms(String domain, SpfRecord record, boolean explain, Frame frame) {
        // RFC 7208 4.6.2: mechanisms are evaluated in order; the first match decides.
        for (Mechanism mechanism : record.mechanisms()) {
            if (frame != null) {
                frame.index++;
            }
            trace(TraceEvent.Type.TERM, mechanism.text(), null);
            if (mechanism.kind().queriesDns() && ++lookups > limits.dnsTerms()) {
                // RFC 7208 4.6.4: at most 10 terms that cause DNS queries.
                trace(TraceEvent.Type.RESULT, domain, "permerror: DNS lookup limit exceeded");
                return Step.of(SpfResult.PERMERROR, Reason.LOOKUP_LIMIT, mechanism.text(),
                    "more than " + limits.dnsTerms() + " DNS-querying terms");
            }
            Step match = evaluateMechanism(mechanism);
            if (budgetExceeded) {
                return Step.of(SpfResult.TEMPERROR, Reason.TIME_BUDGET, mechanism.text(), "time budget exceeded");
            }
            if (match == NO_MATCH) {
                trace(TraceEvent.Type.NO_MATCH, mechanism.text(), null);
                continue;
            }
            if (match != MATCH) {
                if (tracing) {
                    trace(TraceEvent.Type.RESULT, domain, match.result.token() + ": " + match.problem);
                }
                return match.withTerm(match.term.isEmpty() || mechanism.kind() == Mechanism.Kind.INCLUDE ? mechanism.text() : match.term);
            }
            SpfResult result = mechanism.qualifier().result();
            trace(TraceEvent.Type.MATCH, mechanism.text(), result.token());
            String explanation = result == SpfResult.FAIL && explain ? explanations.explain(record) : "";
            return new Step(result, Reason.MATCHED, mechanism.text(), "", explanation);
        }
        MacroString redirect = record.redirect();
        if (redirect != null) {
            // RFC 7208 6.1: redirect applies when no mechanism matched and counts as a DNS term.
            String term = "redirect=" + redirect.text();
            trace(TraceEvent.Type.TERM, term, null);
            if (++lookups > limits.dnsTerms()) {
                trace(TraceEvent.Type.RESULT, domain, "permerror: DNS lookup limit exceeded");
                return Step.of(SpfResult.PERMERROR, Reason.LOOKUP_LIMIT, term, "more than " + limits.dnsTerms() + " DNS-querying terms");
            }
            String target = expandDomain(redirect);
            // RFC 7208 6.1: an invalid or record-less target is permerror.
            if (!DomainNames.isQueryableName(target)) {
                return Step.of(SpfResult.PERMERROR, Reason.REDIRECT_NONE, term, "redirect target '" + target + "' is not a valid domain");
            }
            depth++;
            Step inner = checkDomain(target, explain);
            depth--;
            if (inner.result == SpfResult.NONE) {
                return Step.of(SpfResult.PERMERROR, Reason.REDIRECT_NONE, term, "redirect target " + target + " has no SPF record");
            }
            return inner.term.isEmpty() ? inner.withTerm(term) : inner;
        }
        // RFC 7208 4.7: no match and no redirect gives neutral.
        trace(TraceEvent.Type.RESULT, domain, "neutral: no mechanism matched");
        return Step.of(SpfResult.NEUTRAL, Reason.NO_MATCH, "", "");
    }

    /** MATCH, NO_MATCH, or an error step. */
    private Step evaluateMechanism(Mechanism m) {
        switch (m.kind()) {
            case ALL:
                return MATCH;
            case IP4:
            case IP6:
                // RFC 7208 5.6: ip4 never matches an IPv6 client and vice versa.
                return request.ip().isIn(m.network(), m.network().isV6() ? m.cidr6() : m.cidr4()) ? MATCH : NO_MATCH;
            case A:
                return evaluateA(m);
            case MX:
                return evaluateMx(m);
            case PTR:
                return evaluatePtr(m);
            case EXISTS:
                return evaluateExists(m);
            case INCLUDE:
                return evaluateInclude(m);
            default:
                throw new AssertionError(m.kind());
        }
    }

    private String target(Mechanism m) {
        return m.domainSpec() == null ? currentDomain : expandDomain(m.domainSpec());
    }

    /** RFC 7208 5.3: match the client IP against the target's A (or AAAA) records. */
    private Step evaluateA(Mechanism m) {
        String target = target(m);
        if (!DomainNames.isQueryableName(target)) {
            return invalidTarget(m, target);
        }
        DnsAnswer<IpAddress> answer = awaitAddresses(target);
        trace(TraceEvent.Type.LOOKUP, target, answer);
        if (answer.kind() == DnsAnswer.Kind.TEMPFAIL) {
            return tempError(m, target);
        }
        if (answer.isVoid()) {
            return voidLookup(m, target);
        }
        return anyInNetwork(answer.records(), m) ? MATCH : NO_MATCH;
    }

    /** RFC 7208 5.4: match against the addresses of the target's MX hosts; no implicit MX. */
    private Step evaluateMx(Mechanism m) {
        String target = target(m);
        if (!DomainNames.isQueryableName(target)) {
            return invalidTarget(m, target);
        }
        DnsAnswer<String> answer = await(ahead != null ? ahead.mx(target) : dns.mx(target));
        if (tracing) {
            trace(TraceEvent.Type.LOOKUP, target + " MX", answer);
        }
        if (answer.kind() == DnsAnswer.Kind.TEMPFAIL) {
            return tempError(m, target);
        }
        if (answer.isVoid()) {
            return voidLookup(m, target);
        }
        List<String> hosts = answer.records();
        if (hosts.size() > Limits.MAX_NAMES_PER_TERM) {
            // RFC 7208 4.6.4: more than 10 MX names is permerror.
            return Step.of(SpfResult.PERMERROR, Reason.MX_LIMIT, m.text(), target + " has more than " + Limits.MAX_NAMES_PER_TERM + " MX records");
        }
        // The address lookups of the MX hosts are independent: start them all, then wait.
        List<CompletionStage<DnsAnswer<IpAddress>>> pending = new ArrayList<>(hosts.size());
        for (String host : hosts) {
            pending.add(addressesOf(host));
        }
        // Answers are read in MX order, as a sequential evaluation would meet them.
        for (int i = 0; i < hosts.size(); i++) {
            DnsAnswer<IpAddress> addresses = await(pending.get(i));
            trace(TraceEvent.Type.LOOKUP, hosts.get(i), addresses);
            if (addresses.kind() == DnsAnswer.Kind.TEMPFAIL) {
                // RFC 7208 5: a DNS error in a lookup the mechanism needs ends the check with
                // temperror; only ptr (5.5) skips failing names.
                return tempError(m, hosts.get(i));
            }
            if (addresses.isVoid()) {
                // RFC 7208 4.6.4: each MX host's empty address lookup is a void lookup (as
                // pyspf and Mail::SPF count it).
                Step overLimit = countVoid(m);
                if (overLimit != null) {
                    return overLimit;
                }
            } else if (anyInNetwork(addresses.records(), m)) {
                return MATCH;
            }
        }
        return NO_MATCH;
    }

    /** RFC 7208 5.5: a validated PTR name equal to or under the target domain. */
    private Step evaluatePtr(Mechanism m) {
        String target = target(m);
        if (!DomainNames.isQueryableName(target)) {
            return invalidTarget(m, target);
        }
        DnsAnswer<String> names = await(ahead != null ? ahead.ptr(request.ip()) : dns.ptr(request.ip()));
        if (tracing) {
            trace(TraceEvent.Type.LOOKUP, request.ip().reverseName(), names);
        }
        if (names.isVoid()) {
            // RFC 7208 4.6.4: an empty PTR answer is a void lookup (pyspf, Mail::SPF).
            Step overLimit = countVoid(m);
            return overLimit != null ? overLimit : NO_MATCH;
        }
        // RFC 7208 5.5: a DNS error on the PTR lookup means no match (not temperror).
        if (names.kind() != DnsAnswer.Kind.RECORDS) {
            return NO_MATCH;
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
            pending.add(addressesOf(name));
        }
        for (int i = 0; i < candidates.size(); i++) {
            DnsAnswer<IpAddress> addresses = await(pending.get(i));
            if (addresses.isVoid()) {
                // RFC 7208 4.6.4: a PTR name's empty address lookup is a void lookup (pyspf, Mail::SPF).
                Step overLimit = countVoid(m);
                if (overLimit != null) {
                    return overLimit;
                }
            } else if (addresses.records().contains(request.ip())) {
                trace(TraceEvent.Type.LOOKUP, candidates.get(i), "validated");
                return MATCH;
            }
        }
        return NO_MATCH;
    }

    /**
     * RFC 7208 5.5: names whose A/AAAA records include the client IP; DNS errors skip a name.
     * Used by the p macro (7.3), which is no term: its lookups are not counted as void.
     */
    List<String> validate(List<String> names) {
        List<CompletionStage<DnsAnswer<IpAddress>>> pending = new ArrayList<>(names.size());
        for (String name : names) {
            pending.add(addressesOf(name));
        }
        List<String> validated = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            DnsAnswer<IpAddress> addresses = await(pending.get(i));
            if (addresses.records().contains(request.ip())) {
                validated.add(names.get(i));
            }
        }
        return validated;
    }

    /** RFC 7208 5.7: an A lookup, whatever the client's address family. */
    private Step evaluateExists(Mechanism m) {
        String target = expandDomain(m.domainSpec());
        if (!DomainNames.isQueryableName(target)) {
            return invalidTarget(m, target);
        }
        DnsAnswer<IpAddress> answer = await(ahead != null ? ahead.a(target) : dns.a(target));
        if (tracing) {
            trace(TraceEvent.Type.LOOKUP, target + " A", answer);
        }
        if (answer.kind() == DnsAnswer.Kind.TEMPFAIL) {
            return tempError(m, target);
        }
        if (answer.isVoid()) {
            return voidLookup(m, target);
        }
        return MATCH;
    }

    /** RFC 7208 5.2: recursive check_host(); pass matches, fail/softfail/neutral do not, none is permerror. */
    private Step evaluateInclude(Mechanism m) {
        String target = expandDomain(m.domainSpec());
        if (!DomainNames.isQueryableName(target)) {
            return Step.of(SpfResult.PERMERROR, Reason.INCLUDE_NONE, m.text(), "include target '" + target + "' is not a valid domain");
        }
        depth++;
        // RFC 7208 6.2: the exp of an included record is never used.
        Step inner = checkDomain(target, false);
        depth--;
        switch (inner.result) {
            case PASS:
                return MATCH;
            case FAIL:
            case SOFTFAIL:
            case NEUTRAL:
                return NO_MATCH;
            case TEMPERROR:
                return inner;
            case PERMERROR:
                return inner;
            case NONE:
                return Step.of(SpfResult.PERMERROR, Reason.INCLUDE_NONE, m.text(), "include target " + target + " has no SPF record");
            default:
                throw new AssertionError(inner.result);
        }
    }

    private Step invalidTarget(Mechanism m, String target) {
        // RFC 7208 4.8 is silent on a domain-spec that expands to an invalid name; like
        // pyspf and the openspf suite we treat it as a name that cannot exist: no match.
        trace(TraceEvent.Type.LOOKUP, target, "not a valid domain name");
        return NO_MATCH;
    }

    private Step tempError(Mechanism m, String target) {
        return Step.of(SpfResult.TEMPERROR, Reason.DNS_TEMPFAIL, m.text(), "DNS failure looking up " + target);
    }

    private Step voidLookup(Mechanism m, String target) {
        Step overLimit = countVoid(m);
        return overLimit != null ? overLimit : NO_MATCH;
    }

    /**
     * Counts one void lookup (an empty answer or NXDOMAIN); the permerror step when that
     * passes the limit, else null. RFC 7208 4.6.4: more void lookups than the limit
     * (default 2) is permerror.
     */
    private Step countVoid(Mechanism m) {
        if (++voids > limits.voidLookups()) {
            return Step.of(SpfResult.PERMERROR, Reason.VOID_LIMIT, m.text(), "more than " + limits.voidLookups() + " void lookups");
        }
        return null;
    }

    private boolean anyInNetwork(List<IpAddress> addresses, Mechanism m) {
        IpAddress ip = request.ip();
        int prefix = ip.isV6() ? m.cidr6() : m.cidr4();
        for (IpAddress address : addresses) {
            if (ip.isIn(address, prefix)) {
                return true;
            }
        }
        return false;
    }

    private CompletionStage<DnsAnswer<IpAddress>> addressesOf(String name) {
        if (ahead != null) {
            return request.ip().isV6() ? ahead.aaaa(name) : ahead.a(name);
        }
        return request.ip().isV6() ? dns.aaaa(name) : dns.a(name);
    }

    private DnsAnswer<IpAddress> awaitAddresses(String name) {
        return await(addressesOf(name));
    }

    /** The client's PTR names, through fetch-ahead's memo when on. */
    CompletionStage<DnsAnswer<String>> ptr() {
        return ahead != null ? ahead.ptr(request.ip()) : dns.ptr(request.ip());
    }

    /** Waits for a DNS answer within the check's time budget (RFC 7208 4.6.4). */
    <T> DnsAnswer<T> await(CompletionStage<DnsAnswer<T>> stage) {
        CompletableFuture<DnsAnswer<T>> future = stage.toCompletableFuture();
        if (!budgetExceeded && future.isDone() && !future.isCompletedExceptionally() && !future.isCancelled()) {
            // answered at once (a cache, an in-memory zone): no clock, no wait
            DnsAnswer<T> answer = future.getNow(null);
            return answer != null ? answer : DnsAnswer.tempFail("DNS adapter returned no answer");
        }
        if (fetchAhead && ahead == null && !future.isDone()) {
            startFetchingAhead();
        }
        long remaining = deadline - System.nanoTime();
        if (budgetExceeded || (remaining <= 0 && !future.isDone())) {
            budgetExceeded = true;
            return DnsAnswer.tempFail("time budget exceeded");
        }
        try {
            DnsAnswer<T> answer = future.isDone() ? future.get() : future.get(remaining, TimeUnit.NANOSECONDS);
            return answer != null ? answer : DnsAnswer.tempFail("DNS adapter returned no answer");
        } catch (TimeoutException e) {
            // The lookup goes on in the resolver; the check does not wait for it.
            budgetExceeded = true;
            return DnsAnswer.tempFail("time budget exceeded");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            budgetExceeded = true;
            return DnsAnswer.tempFail("interrupted");
        } catch (ExecutionException | CancellationException e) {
            // An adapter that fails its stage instead of answering TEMPFAIL: same meaning.
            return DnsAnswer.tempFail("DNS adapter failed: " + (e.getCause() != null ? e.getCause() : e));
        }
    }

    /** RFC 7208 7.3, 4.8: expand a domain-spec, truncated to 253 octets. */
    private String expandDomain(MacroString spec) {
        return DomainNames.truncateDomain(spec.expand(explanations));
    }

}
