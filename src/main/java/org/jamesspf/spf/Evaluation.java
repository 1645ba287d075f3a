package org.jamesspf.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.macro.MacroString;
import org.jamesspf.spf.record.Mechanism;
import org.jamesspf.spf.record.SpfRecord;

/**
 * One check_host() evaluation (RFC 7208 4.4 to 5.7 and 6), read top-down: the record lookup and
 * selection, then each mechanism in order, then redirect, then the explanation. The per-call
 * state lives here: counters, the current domain, the records in hand, the trace. Never shared,
 * never stored.
 *
 * <p>It never blocks a thread: each step that needs DNS hands the rest of the evaluation to
 * {@link #await}, which {@link Parking} runs. The mechanisms that ask DNS are {@link DnsMechanisms};
 * macros and explanations {@link MacroExpansion}. Only one step of an evaluation runs at any time,
 * so its fields need no locks; the executor hand-over orders them.
 */
final class Evaluation {
    final CheckRequest request;
    final List<TraceEvent> trace;
    int lookups;
    int voids;
    /** Characters kept in the trace so far. */
    private int traceChars;
    int depth;
    String currentDomain;

    /** Created the first time the evaluation parks: answers there at once gain nothing from fetching ahead. */
    private FetchAhead ahead;
    private final boolean fetchAhead;
    /** The records being evaluated, innermost first, each with the index of the term in hand. */
    private Frame frames;
    /** The queries this evaluation sent (fetch-ahead's included). */
    final CountingDns queries;
    private final Limits limits;
    private final boolean tracing;
    final MacroValues macros;
    private final SpfChecker checker;
    private final Executor executor;
    /** Where the evaluation waits for DNS without holding a thread. */
    private final Parking parking;
    private final MacroExpansion expansion;
    private final DnsMechanisms dnsMechanisms;

    /** One record in evaluation. */
    private static final class Frame {
        final SpfRecord record;
        final String domain;
        final boolean explain;
        final Frame outer;
        /** Where the record's step goes: the caller of {@link #checkDomain}. */
        final Then<Step> then;
        int index = -1;

        Frame(SpfRecord record, String domain, boolean explain, Frame outer, Then<Step> then) {
            this.record = record;
            this.domain = domain;
            this.explain = explain;
            this.outer = outer;
            this.then = then;
        }
    }

    Evaluation(SpfChecker checker, CheckRequest request, long deadline, EngineThreads threads) {
        this.checker = checker;
        this.queries = new CountingDns(checker.dns());
        this.limits = checker.limits();
        this.tracing = checker.tracing();
        this.request = request;
        this.fetchAhead = checker.fetchAhead();
        this.executor = threads.executor();
        this.macros = new MacroValues(request, checker.clock(), this);
        this.trace = tracing ? new ArrayList<>(16) : List.of();
        this.currentDomain = request.domain();
        this.parking = new Parking(deadline, threads, this::beforeParking, this::end);
        this.expansion = new MacroExpansion(this, macros);
        this.dnsMechanisms = new DnsMechanisms(this, expansion);
    }

    /** Starts the evaluation on the calling thread; the future completes (normally or not) whatever happens. */
    CompletableFuture<Step> start() {
        return parking.start(this::begin);
    }

    /** Hands {@code then} the answer of {@code stage} ({@link Parking#await}). Must be the last thing its caller does. */
    <T> void await(CompletionStage<DnsAnswer<T>> stage, Then<DnsAnswer<T>> then) {
        parking.await(stage, then);
    }

    SpfChecker checker() {
        return checker;
    }

    Limits limits() {
        return limits;
    }

    /** The first time the evaluation parks: answers there at once gain nothing from fetching ahead. */
    private void beforeParking() {
        if (fetchAhead && ahead == null) {
            startFetchingAhead();
        }
    }

    /** Releases its speculative lookups. */
    private void end() {
        if (ahead != null) {
            ahead.close();
        }
    }

    /**
     * Counts one void lookup (an empty answer or NXDOMAIN); whether that passes the limit.
     * RFC 7208 4.6.4: more void lookups than the limit (default 2) is permerror.
     */
    boolean overVoidLimit() {
        return ++voids > limits.voidLookups();
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
        if (size < SpfChecker.MAX_TRACE_EVENTS - 1 && traceChars < SpfChecker.MAX_TRACE_CHARS) {
            TraceEvent event = new TraceEvent(depth, type, subject, detail);
            traceChars += event.subject().length() + event.detail().length();
            trace.add(event);
        } else if (size == 0 || trace.get(size - 1).type() != TraceEvent.Type.TRUNCATED) {
            trace.add(new TraceEvent(depth, TraceEvent.Type.TRUNCATED, "trace", "limit of " + SpfChecker.MAX_TRACE_EVENTS + " events or "
                + SpfChecker.MAX_TRACE_CHARS + " characters reached"));
        }
    }

    // ---- the algorithm ----

    private void begin() {
        String domain = request.domain();
        // RFC 7208 4.3: a malformed or single-label domain gives none without any lookup.
        if (!DomainNames.isValidDomain(domain)) {
            trace(TraceEvent.Type.RESULT, domain, "none: not a valid domain name");
            finish(Step.of(SpfResult.NONE, Reason.INVALID_DOMAIN, "", "'" + domain + "' is not a valid domain name"));
            return;
        }
        if (request.localPolicy().isPresent()) {
            // a local policy stands for the domain's record: evaluated as if it had been published
            currentDomain = DomainNames.truncateDomain(domain);
            selectRecord(currentDomain, DnsAnswer.of(List.of(request.localPolicy().get())), false, this::finish);
            return;
        }
        checkDomain(DomainNames.truncateDomain(domain), true, this::finish);
    }

    private void finish(Step step) {
        if (parking.budgetExceeded() && step.result == SpfResult.TEMPERROR) {
            step = Step.of(SpfResult.TEMPERROR, Reason.TIME_BUDGET, step.term, "time budget of " + limits.timeBudget().toMillis() + " ms exceeded");
        }
        parking.complete(step);
    }

    /** check_host() for one domain: record lookup (4.4), selection (4.5), evaluation (4.6). */
    void checkDomain(String domain, boolean explain, Then<Step> then) {
        String outer = currentDomain;
        currentDomain = domain;
        Then<Step> restoring = step -> {
            currentDomain = outer;
            then.accept(step);
        };
        await(txt(domain), answer -> selectRecord(domain, answer, explain, restoring));
    }

    /** RFC 7208 4.4, 4.5: the domain's record ({@link RecordSelection}), then its terms in order. */
    private void selectRecord(String domain, DnsAnswer<String> answer, boolean explain, Then<Step> then) {
        RecordSelection selected = RecordSelection.of(domain, answer, this);
        if (selected.end != null) {
            then.accept(selected.end);
            return;
        }
        Frame frame = new Frame(selected.record, domain, explain, frames, then);
        frames = frame;
        if (ahead != null) {
            ahead.ahead(frame.record, domain, 0);
        }
        nextTerm(frame);
    }

    /** The record's step: its frame is left, its caller continues. */
    private void leave(Frame frame, Step step) {
        frames = frame.outer;
        frame.then.accept(step);
    }

    /** RFC 7208 4.6.2: mechanisms are evaluated in order; the first match decides. */
    private void nextTerm(Frame frame) {
        List<Mechanism> mechanisms = frame.record.mechanisms();
        while (++frame.index < mechanisms.size()) {
            Mechanism m = mechanisms.get(frame.index);
            trace(TraceEvent.Type.TERM, m.text(), null);
            if (m.kind().queriesDns() && ++lookups > limits.dnsTerms()) {
                // RFC 7208 4.6.4: at most 10 terms that cause DNS queries.
                trace(TraceEvent.Type.RESULT, frame.domain, "permerror: DNS lookup limit exceeded");
                leave(frame, Step.of(SpfResult.PERMERROR, Reason.LOOKUP_LIMIT, m.text(), "more than " + limits.dnsTerms() + " DNS-querying terms"));
                return;
            }
            switch (m.kind()) {
                case ALL:
                    matched(frame, m);
                    return;
                case IP4:
                case IP6:
                    // RFC 7208 5.6: ip4 never matches an IPv6 client and vice versa.
                    if (m.covers(request.ip())) {
                        matched(frame, m);
                        return;
                    }
                    trace(TraceEvent.Type.NO_MATCH, m.text(), null);
                    continue;
                default:
                    dnsMechanisms.evaluate(m, match -> afterMechanism(frame, m, match));
                    return;
            }
        }
        afterMechanisms(frame);
    }

    private void afterMechanism(Frame frame, Mechanism m, Step match) {
        if (parking.budgetExceeded()) {
            leave(frame, Step.of(SpfResult.TEMPERROR, Reason.TIME_BUDGET, m.text(), "time budget exceeded"));
        } else if (match == Step.DOES_NOT_MATCH) {
            trace(TraceEvent.Type.NO_MATCH, m.text(), null);
            nextTerm(frame);
        } else if (match == Step.MATCHES) {
            matched(frame, m);
        } else {
            if (tracing) {
                trace(TraceEvent.Type.RESULT, frame.domain, match.result.token() + ": " + match.problem);
            }
            leave(frame, match.withTerm(match.term.isEmpty() || m.kind() == Mechanism.Kind.INCLUDE ? m.text() : match.term));
        }
    }

    /** RFC 7208 4.6.2: the matching mechanism's qualifier is the result; a fail is explained (6.2). */
    private void matched(Frame frame, Mechanism m) {
        SpfResult result = m.qualifier().result();
        trace(TraceEvent.Type.MATCH, m.text(), result.token());
        if (result == SpfResult.FAIL && frame.explain) {
            expansion.explain(frame.record, explanation -> leave(frame, new Step(result, Reason.MATCHED, m.text(), "", explanation)));
        } else {
            leave(frame, new Step(result, Reason.MATCHED, m.text(), "", ""));
        }
    }

    /** No mechanism matched: RFC 7208 6.1 redirect, else 4.7 neutral. */
    private void afterMechanisms(Frame frame) {
        MacroString redirect = frame.record.redirect();
        if (redirect == null) {
            // RFC 7208 4.7: no match and no redirect gives neutral.
            trace(TraceEvent.Type.RESULT, frame.domain, "neutral: no mechanism matched");
            leave(frame, Step.of(SpfResult.NEUTRAL, Reason.NO_MATCH, "", ""));
            return;
        }
        // RFC 7208 6.1: redirect applies when no mechanism matched and counts as a DNS term.
        String term = "redirect=" + redirect.text();
        trace(TraceEvent.Type.TERM, term, null);
        if (++lookups > limits.dnsTerms()) {
            trace(TraceEvent.Type.RESULT, frame.domain, "permerror: DNS lookup limit exceeded");
            leave(frame, Step.of(SpfResult.PERMERROR, Reason.LOOKUP_LIMIT, term, "more than " + limits.dnsTerms() + " DNS-querying terms"));
            return;
        }
        expansion.expandDomain(redirect, term, error -> leave(frame, error), target -> {
            // RFC 7208 6.1: an invalid or record-less target is permerror.
            if (!DomainNames.isQueryableName(target)) {
                leave(frame, Step.of(SpfResult.PERMERROR, Reason.REDIRECT_NONE, term, "redirect target '" + target + "' is not a valid domain"));
                return;
            }
            depth++;
            checkDomain(target, frame.explain, inner -> {
                depth--;
                if (inner.result == SpfResult.NONE) {
                    leave(frame, Step.of(SpfResult.PERMERROR, Reason.REDIRECT_NONE, term, "redirect target " + target + " has no SPF record"));
                } else {
                    leave(frame, inner.term.isEmpty() ? inner.withTerm(term) : inner);
                }
            });
        });
    }

    // ---- DNS, through fetch-ahead's memo once it runs ----

    CompletionStage<DnsAnswer<String>> txt(String name) {
        return ahead != null ? ahead.txt(name) : queries.txt(name);
    }

    CompletionStage<DnsAnswer<IpAddress>> addressesOf(String name) {
        return ahead != null ? ahead.addresses(name) : queries.addresses(name, request.ip());
    }

    CompletionStage<DnsAnswer<IpAddress>> a(String name) {
        return ahead != null ? ahead.a(name) : queries.a(name);
    }

    CompletionStage<DnsAnswer<String>> mx(String name) {
        return ahead != null ? ahead.mx(name) : queries.mx(name);
    }

    /** The client's PTR names. */
    CompletionStage<DnsAnswer<String>> ptr() {
        return ahead != null ? ahead.ptr(request.ip()) : queries.ptr(request.ip());
    }

    /** The first time the evaluation parks: fetch ahead from every record in hand, past its current term. */
    private void startFetchingAhead() {
        ahead = new FetchAhead(queries, checker.clock(), request, checker::parse, limits.dnsTerms() - lookups, executor,
            checker.speculation(), macros);
        for (Frame f = frames; f != null; f = f.outer) {
            ahead.ahead(f.record, f.domain, f.index + 1);
        }
    }
}
