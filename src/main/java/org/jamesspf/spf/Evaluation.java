package org.jamesspf.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.macro.MacroString;
import org.jamesspf.spf.record.Mechanism;
import org.jamesspf.spf.record.ParseResult;
import org.jamesspf.spf.record.SpfRecord;
import org.jamesspf.spf.record.SpfRecordParser;

/**
 * One check_host() evaluation (RFC 7208 4.4 to 5.7 and 6), read top-down: the record lookup and
 * selection, then each mechanism in order, then redirect, then the explanation. The per-call
 * state lives here: counters, the current domain, the records in hand, the trace. Never shared,
 * never stored.
 *
 * <p>It never blocks a thread. Each step that needs DNS ends by handing the rest of the
 * evaluation (a continuation) to {@link #await}: an answer already there continues at once on
 * the same thread; otherwise the evaluation parks (it holds no thread, only this object) and
 * resumes on the engine's executor when the answer or its time budget arrives. Only one step of
 * an evaluation runs at any time, so its fields need no locks; the executor hand-over orders them.
 */
final class Evaluation {
    /** The rest of the evaluation, given the value it waited for. */
    interface Then<T> {
        void accept(T value);
    }

    /** An intermediate result of one domain's evaluation, or of one mechanism. */
    static final class Step {
        final SpfResult result;
        final Reason reason;
        final String term;
        final String problem;
        final String explanation;

        Step(SpfResult result, Reason reason, String term, String problem, String explanation) {
            this.result = result;
            this.reason = reason;
            this.term = Text.capped(term, SpfChecker.MAX_TERM_OCTETS);
            this.problem = Text.capped(problem, SpfChecker.MAX_PROBLEM_OCTETS);
            this.explanation = explanation;
        }

        static Step of(SpfResult result, Reason reason, String term, String problem) {
            return new Step(result, reason, term, problem, "");
        }

        Step withTerm(String newTerm) {
            return new Step(result, reason, newTerm, problem, explanation);
        }
    }

    /** A mechanism's outcome when it raised no error: it matches, or it does not. */
    private static final Step MATCHES = Step.of(SpfResult.PASS, Reason.MATCHED, "", "");
    private static final Step DOES_NOT_MATCH = Step.of(SpfResult.NEUTRAL, Reason.NO_MATCH, "", "");
    private static final DnsAnswer<?> TIME_UP = DnsAnswer.tempFail("time budget exceeded");

    final CheckRequest request;
    private final long deadline;
    final List<TraceEvent> trace;
    int lookups;
    int voids;
    /** Characters kept in the trace so far. */
    private int traceChars;
    int depth;
    boolean budgetExceeded;
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
    private final ScheduledExecutorService scheduler;
    private final CompletableFuture<Step> done = new CompletableFuture<>();

    /** The continuation waiting for DNS, if parked; claimed once, by the answer or by the deadline. */
    private final AtomicReference<Parked> parked = new AtomicReference<>();
    private ScheduledFuture<?> deadlineTimer;
    /** The next step of the running drive loop, when an answer was there at once (no recursion). */
    private Runnable next;

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

    /**
     * A parked continuation. The DNS future's callback holds only this, and it is cleared when
     * claimed: a check that ended on its deadline is not kept alive by a late answer.
     */
    private static final class Parked {
        volatile Evaluation evaluation;
        volatile Then<DnsAnswer<?>> then;

        Parked(Evaluation evaluation, Then<DnsAnswer<?>> then) {
            this.evaluation = evaluation;
            this.then = then;
        }
    }

    Evaluation(SpfChecker checker, CheckRequest request, long deadline, EngineThreads threads) {
        this.checker = checker;
        this.queries = new CountingDns(checker.dns());
        this.limits = checker.limits();
        this.tracing = checker.tracing();
        this.request = request;
        this.deadline = deadline;
        this.fetchAhead = checker.fetchAhead();
        this.executor = threads.executor();
        this.scheduler = threads.scheduler();
        this.macros = new MacroValues(request, checker.clock(), this);
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
        if (size < SpfChecker.MAX_TRACE_EVENTS - 1 && traceChars < SpfChecker.MAX_TRACE_CHARS) {
            TraceEvent event = new TraceEvent(depth, type, subject, detail);
            traceChars += event.subject().length() + event.detail().length();
            trace.add(event);
        } else if (size == 0 || trace.get(size - 1).type() != TraceEvent.Type.TRUNCATED) {
            trace.add(new TraceEvent(depth, TraceEvent.Type.TRUNCATED, "trace", "limit of " + SpfChecker.MAX_TRACE_EVENTS + " events or "
                + SpfChecker.MAX_TRACE_CHARS + " characters reached"));
        }
    }

    // ---- running, parking and resuming ----

    /** Starts the evaluation on the calling thread; the future completes (normally or not) whatever happens. */
    CompletableFuture<Step> start() {
        drive(this::begin);
        return done;
    }

    /** Runs steps until the evaluation parks or ends; a fault ends it with that fault. */
    private void drive(Runnable first) {
        Runnable step = first;
        try {
            while (step != null) {
                next = null;
                step.run();
                step = next;
            }
        } catch (RuntimeException | Error e) {
            // Completed whatever was thrown: nobody waits forever for a check that broke.
            end();
            done.completeExceptionally(e);
        }
    }

    /**
     * Hands {@code then} the answer of {@code stage}: at once when it is there (through the drive
     * loop, not by recursion), else when it arrives or the check's time budget (RFC 7208 4.6.4)
     * runs out, whichever is first. Must be the last thing its caller does.
     */
    @SuppressWarnings("unchecked")
    private <T> void await(CompletionStage<DnsAnswer<T>> stage, Then<DnsAnswer<T>> then) {
        Then<DnsAnswer<?>> resume = answer -> then.accept((DnsAnswer<T>) answer);
        if (budgetExceeded) {
            continueWith(resume, TIME_UP);
            return;
        }
        CompletableFuture<DnsAnswer<T>> future = stage.toCompletableFuture();
        if (future.isDone()) {
            continueWith(resume, answerOf(future));
            return;
        }
        if (fetchAhead && ahead == null) {
            startFetchingAhead();
        }
        if (System.nanoTime() - deadline >= 0) {
            budgetExceeded = true;
            continueWith(resume, TIME_UP);
            return;
        }
        Parked p = new Parked(this, resume);
        parked.set(p);
        if (deadlineTimer == null) {
            deadlineTimer = scheduler.schedule(this::deadlineReached, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        future.whenComplete((answer, failure) -> wake(p, answerOf(answer, failure)));
        // the deadline may have passed while parking, before its timer could see this continuation
        if (System.nanoTime() - deadline >= 0 && claim(p)) {
            budgetExceeded = true;
            continueWith(resume, TIME_UP);
        }
    }

    private void continueWith(Then<DnsAnswer<?>> then, DnsAnswer<?> answer) {
        if (next != null) {
            throw new IllegalStateException("two continuations at once: await must end its caller");
        }
        next = () -> then.accept(answer);
    }

    private boolean claim(Parked p) {
        if (!parked.compareAndSet(p, null)) {
            return false;
        }
        p.evaluation = null;
        p.then = null;
        return true;
    }

    /** An answer arrived (on whatever thread completed it): resume on the engine's executor. */
    private static void wake(Parked p, DnsAnswer<?> answer) {
        Evaluation evaluation = p.evaluation;
        Then<DnsAnswer<?>> then = p.then;
        if (evaluation == null || !evaluation.claim(p)) {
            return; // the deadline came first
        }
        evaluation.resume(then, answer);
    }

    /** The time budget ran out while parked: resume with a temporary failure. */
    private void deadlineReached() {
        Parked p = parked.get();
        if (p == null) {
            return; // running, or done: its next await sees the clock
        }
        Then<DnsAnswer<?>> then = p.then;
        if (claim(p)) {
            budgetExceeded = true;
            resume(then, TIME_UP);
        }
    }

    private void resume(Then<DnsAnswer<?>> then, DnsAnswer<?> answer) {
        try {
            executor.execute(() -> drive(() -> then.accept(answer)));
        } catch (RejectedExecutionException e) {
            // The engine's threads were stopped (the hook is closing): end as temperror.
            end();
            done.complete(Step.of(SpfResult.TEMPERROR, Reason.INTERNAL_ERROR, "", "SPF engine stopped"));
        }
    }

    private static <T> DnsAnswer<T> answerOf(CompletableFuture<DnsAnswer<T>> future) {
        try {
            return answerOf(future.join(), null);
        } catch (RuntimeException e) {
            return answerOf(null, e);
        }
    }

    private static <T> DnsAnswer<T> answerOf(DnsAnswer<T> answer, Throwable failure) {
        if (failure != null) {
            // An adapter that fails its stage instead of answering TEMPFAIL: same meaning.
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            return DnsAnswer.tempFail("DNS adapter failed: " + Text.capped(cause.toString(), 200));
        }
        return answer != null ? answer : DnsAnswer.tempFail("DNS adapter returned no answer");
    }

    /** Releases what the evaluation holds beyond itself: its budget timer, its speculative lookups. */
    private void end() {
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
        }
        if (ahead != null) {
            ahead.close();
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
        end();
        if (budgetExceeded && step.result == SpfResult.TEMPERROR) {
            step = Step.of(SpfResult.TEMPERROR, Reason.TIME_BUDGET, step.term, "time budget of " + limits.timeBudget().toMillis() + " ms exceeded");
        }
        done.complete(step);
    }

    /** check_host() for one domain: record lookup (4.4), selection (4.5), evaluation (4.6). */
    private void checkDomain(String domain, boolean explain, Then<Step> then) {
        String outer = currentDomain;
        currentDomain = domain;
        Then<Step> restoring = step -> {
            currentDomain = outer;
            then.accept(step);
        };
        await(txt(domain), answer -> selectRecord(domain, answer, explain, restoring));
    }

    private void selectRecord(String domain, DnsAnswer<String> answer, boolean explain, Then<Step> then) {
        switch (answer.kind()) {
            case TEMPFAIL:
                // RFC 7208 4.4: a DNS error other than "no such name" gives temperror.
                if (tracing) {
                    trace(TraceEvent.Type.RECORD, domain, "temperror: " + answer.detail());
                }
                then.accept(Step.of(SpfResult.TEMPERROR, Reason.DNS_TEMPFAIL, "", "DNS failure looking up the TXT records of " + domain));
                return;
            case NXDOMAIN:
            case NODATA:
                // RFC 7208 4.3, 4.4: no such name or no TXT records: none.
                if (tracing) {
                    trace(TraceEvent.Type.RECORD, domain, "none: " + answer.kind());
                }
                then.accept(Step.of(SpfResult.NONE, Reason.NO_RECORD, "", domain + " has no SPF record"));
                return;
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
                    then.accept(Step.of(SpfResult.PERMERROR, Reason.MULTIPLE_RECORDS, "", domain + " has more than one SPF record"));
                    return;
                }
                recordText = txt;
            }
        }
        if (recordText == null) {
            trace(TraceEvent.Type.RECORD, domain, "none: no v=spf1 record");
            then.accept(Step.of(SpfResult.NONE, Reason.NO_RECORD, "", domain + " has no SPF record"));
            return;
        }
        trace(TraceEvent.Type.RECORD, domain, recordText);
        ParseResult parse = checker.parse(recordText);
        if (!parse.isValid()) {
            // RFC 7208 4.6: a syntax error anywhere in the record is permerror.
            if (tracing) {
                trace(TraceEvent.Type.RESULT, domain, "permerror: " + parse.message());
            }
            then.accept(Step.of(SpfResult.PERMERROR, Reason.SYNTAX, parse.term(),
                "syntax error in the record of " + domain + " at '" + Text.capped(parse.term(), 64) + "': " + parse.message()));
            return;
        }
        Frame frame = new Frame(parse.record(), domain, explain, frames, then);
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
                    evaluateMechanism(m, match -> afterMechanism(frame, m, match));
                    return;
            }
        }
        afterMechanisms(frame);
    }

    private void afterMechanism(Frame frame, Mechanism m, Step match) {
        if (budgetExceeded) {
            leave(frame, Step.of(SpfResult.TEMPERROR, Reason.TIME_BUDGET, m.text(), "time budget exceeded"));
        } else if (match == DOES_NOT_MATCH) {
            trace(TraceEvent.Type.NO_MATCH, m.text(), null);
            nextTerm(frame);
        } else if (match == MATCHES) {
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
            explain(frame.record, explanation -> leave(frame, new Step(result, Reason.MATCHED, m.text(), "", explanation)));
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
        expandDomain(redirect, term, error -> leave(frame, error), target -> {
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

    /** A DNS mechanism: MATCHES, DOES_NOT_MATCH, or an error step. */
    private void evaluateMechanism(Mechanism m, Then<Step> then) {
        if (m.kind() == Mechanism.Kind.EXISTS || m.kind() == Mechanism.Kind.INCLUDE) {
            expandDomain(m.domainSpec(), m.text(), then, target -> {
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
                trace(TraceEvent.Type.LOOKUP, target, "not a valid domain name");
                then.accept(DOES_NOT_MATCH);
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
            withTarget.accept(currentDomain);
        } else {
            expandDomain(m.domainSpec(), m.text(), then, withTarget);
        }
    }

    /** RFC 7208 5.3: match the client IP against the target's A (or AAAA) records. */
    private void evaluateA(Mechanism m, String target, Then<Step> then) {
        await(addressesOf(target), answer -> {
            trace(TraceEvent.Type.LOOKUP, target, answer);
            if (answer.kind() == DnsAnswer.Kind.TEMPFAIL) {
                then.accept(tempError(m, target));
            } else if (answer.isVoid()) {
                then.accept(voidLookup(m));
            } else {
                then.accept(anyInNetwork(answer.records(), m) ? MATCHES : DOES_NOT_MATCH);
            }
        });
    }

    /** RFC 7208 5.4: match against the addresses of the target's MX hosts; no implicit MX. */
    private void evaluateMx(Mechanism m, String target, Then<Step> then) {
        await(ahead != null ? ahead.mx(target) : queries.mx(target), answer -> {
            if (tracing) {
                trace(TraceEvent.Type.LOOKUP, target + " MX", answer);
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
                pending.add(addressesOf(host));
            }
            mxHost(m, hosts, pending, 0, then);
        });
    }

    private void mxHost(Mechanism m, List<String> hosts, List<CompletionStage<DnsAnswer<IpAddress>>> pending, int i, Then<Step> then) {
        if (i == hosts.size()) {
            then.accept(DOES_NOT_MATCH);
            return;
        }
        await(pending.get(i), addresses -> {
            trace(TraceEvent.Type.LOOKUP, hosts.get(i), addresses);
            if (addresses.kind() == DnsAnswer.Kind.TEMPFAIL) {
                // RFC 7208 5: a DNS error in a lookup the mechanism needs ends the check with
                // temperror; only ptr (5.5) skips failing names.
                then.accept(tempError(m, hosts.get(i)));
            } else if (addresses.isVoid() && overVoidLimit()) {
                // RFC 7208 4.6.4: each MX host's empty address lookup is a void lookup (as
                // pyspf and Mail::SPF count it).
                then.accept(voidLimit(m));
            } else if (!addresses.isVoid() && anyInNetwork(addresses.records(), m)) {
                then.accept(MATCHES);
            } else {
                mxHost(m, hosts, pending, i + 1, then);
            }
        });
    }

    /** RFC 7208 5.5: a validated PTR name equal to or under the target domain. */
    private void evaluatePtr(Mechanism m, String target, Then<Step> then) {
        await(ptr(), names -> {
            if (tracing) {
                trace(TraceEvent.Type.LOOKUP, request.ip().reverseName(), names);
            }
            if (names.isVoid()) {
                // RFC 7208 4.6.4: an empty PTR answer is a void lookup (pyspf, Mail::SPF).
                then.accept(voidLookup(m));
                return;
            }
            // RFC 7208 5.5: a DNS error on the PTR lookup means no match (not temperror).
            if (names.kind() != DnsAnswer.Kind.RECORDS) {
                then.accept(DOES_NOT_MATCH);
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
                pending.add(addressesOf(name));
            }
            ptrName(m, candidates, pending, 0, then);
        });
    }

    private void ptrName(Mechanism m, List<String> names, List<CompletionStage<DnsAnswer<IpAddress>>> pending, int i, Then<Step> then) {
        if (i == names.size()) {
            then.accept(DOES_NOT_MATCH);
            return;
        }
        await(pending.get(i), addresses -> {
            if (addresses.isVoid() && overVoidLimit()) {
                // RFC 7208 4.6.4: a PTR name's empty address lookup is a void lookup (pyspf, Mail::SPF).
                then.accept(voidLimit(m));
            } else if (addresses.records().contains(request.ip())) {
                trace(TraceEvent.Type.LOOKUP, names.get(i), "validated");
                then.accept(MATCHES);
            } else {
                // RFC 7208 5.5: a DNS error skips the name
                ptrName(m, names, pending, i + 1, then);
            }
        });
    }

    /** RFC 7208 5.7: an A lookup, whatever the client's address family. */
    private void evaluateExists(Mechanism m, String target, Then<Step> then) {
        if (!DomainNames.isQueryableName(target)) {
            trace(TraceEvent.Type.LOOKUP, target, "not a valid domain name");
            then.accept(DOES_NOT_MATCH);
            return;
        }
        await(ahead != null ? ahead.a(target) : queries.a(target), answer -> {
            if (tracing) {
                trace(TraceEvent.Type.LOOKUP, target + " A", answer);
            }
            if (answer.kind() == DnsAnswer.Kind.TEMPFAIL) {
                then.accept(tempError(m, target));
            } else if (answer.isVoid()) {
                then.accept(voidLookup(m));
            } else {
                then.accept(MATCHES);
            }
        });
    }

    /** RFC 7208 5.2: recursive check_host(); pass matches, fail/softfail/neutral do not, none is permerror. */
    private void evaluateInclude(Mechanism m, String target, Then<Step> then) {
        if (!DomainNames.isQueryableName(target)) {
            then.accept(Step.of(SpfResult.PERMERROR, Reason.INCLUDE_NONE, m.text(), "include target '" + target + "' is not a valid domain"));
            return;
        }
        depth++;
        // RFC 7208 6.2: the exp of an included record is never used.
        checkDomain(target, false, inner -> {
            depth--;
            switch (inner.result) {
                case PASS:
                    then.accept(MATCHES);
                    return;
                case FAIL:
                case SOFTFAIL:
                case NEUTRAL:
                    then.accept(DOES_NOT_MATCH);
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
        return overVoidLimit() ? voidLimit(m) : DOES_NOT_MATCH;
    }

    private Step voidLimit(Mechanism m) {
        return Step.of(SpfResult.PERMERROR, Reason.VOID_LIMIT, m.text(), "more than " + limits.voidLookups() + " void lookups");
    }

    /**
     * Counts one void lookup (an empty answer or NXDOMAIN); whether that passes the limit.
     * RFC 7208 4.6.4: more void lookups than the limit (default 2) is permerror.
     */
    private boolean overVoidLimit() {
        return ++voids > limits.voidLookups();
    }

    private boolean anyInNetwork(List<IpAddress> addresses, Mechanism m) {
        IpAddress ip = request.ip();
        int prefix = m.prefixFor(ip);
        for (IpAddress address : addresses) {
            if (ip.isIn(address, prefix)) {
                return true;
            }
        }
        return false;
    }

    // ---- macros (RFC 7208 7) and explanations (6.2) ----

    /**
     * RFC 7208 7.3, 4.8: a domain-spec, expanded and cut to 253 octets. A {@code p} macro needs
     * the client's validated PTR names first; their void lookups count (as pyspf and Mail::SPF
     * count them), and past the limit the term is a permerror, given to {@code failed}.
     */
    private void expandDomain(MacroString spec, String term, Then<Step> failed, Then<String> then) {
        macros.used(spec);
        if (!spec.uses('p')) {
            then.accept(spec.expandDomain(macros));
            return;
        }
        validatePtrNames(true, overLimit -> {
            if (overLimit) {
                failed.accept(Step.of(SpfResult.PERMERROR, Reason.VOID_LIMIT, term, "more than " + limits.voidLookups() + " void lookups"));
            } else {
                then.accept(spec.expandDomain(macros));
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
        if (macros.validatedNames() != null) {
            then.accept(Boolean.FALSE);
            return;
        }
        await(ptr(), names -> {
            if (tracing) {
                trace(TraceEvent.Type.LOOKUP, request.ip().reverseName(), names);
            }
            if (names.kind() != DnsAnswer.Kind.RECORDS) {
                macros.validated(List.of());
                then.accept(countVoids && names.isVoid() && overVoidLimit());
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
                pending.add(addressesOf(name));
            }
            validateName(candidates, pending, 0, new ArrayList<>(candidates.size()), countVoids, then);
        });
    }

    private void validateName(List<String> names, List<CompletionStage<DnsAnswer<IpAddress>>> pending, int i, List<String> validated,
                              boolean countVoids, Then<Boolean> then) {
        if (i == names.size()) {
            macros.validated(validated);
            then.accept(Boolean.FALSE);
            return;
        }
        await(pending.get(i), addresses -> {
            if (addresses.isVoid() && countVoids && overVoidLimit()) {
                macros.validated(validated);
                then.accept(Boolean.TRUE);
                return;
            }
            if (addresses.records().contains(request.ip())) {
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
    private void explain(SpfRecord record, Then<String> then) {
        MacroString exp = record.exp();
        if (exp == null) {
            explanation(checker.defaultExplanation(), then);
            return;
        }
        Then<String> withTarget = target -> {
            if (!DomainNames.isQueryableName(target)) {
                trace(TraceEvent.Type.EXPLANATION, target, "not a valid domain name");
                explanation(checker.defaultExplanation(), then);
                return;
            }
            await(txt(target), answer -> {
                trace(TraceEvent.Type.EXPLANATION, target, answer);
                // RFC 7208 6.2: DNS errors or not exactly one TXT record: no exp, use the default.
                if (answer.kind() == DnsAnswer.Kind.RECORDS && answer.records().size() == 1) {
                    MacroString.Parsed text = MacroString.parse(answer.records().get(0), MacroString.Context.EXPLANATION);
                    if (text.isValid()) {
                        explanation(text.value(), then);
                        return;
                    }
                    if (tracing) {
                        trace(TraceEvent.Type.EXPLANATION, target, "invalid explanation: " + text.error());
                    }
                }
                explanation(checker.defaultExplanation(), then);
            });
        };
        macros.used(exp);
        if (exp.uses('p')) {
            validatePtrNames(false, ignored -> withTarget.accept(exp.expandDomain(macros)));
        } else {
            withTarget.accept(exp.expandDomain(macros));
        }
    }

    private void explanation(MacroString text, Then<String> then) {
        macros.used(text);
        if (text.uses('p')) {
            validatePtrNames(false, ignored -> then.accept(text.expand(macros, SpfChecker.MAX_EXPLANATION_OCTETS)));
        } else {
            then.accept(text.expand(macros, SpfChecker.MAX_EXPLANATION_OCTETS));
        }
    }

    // ---- DNS, through fetch-ahead's memo once it runs ----

    private CompletionStage<DnsAnswer<String>> txt(String name) {
        return ahead != null ? ahead.txt(name) : queries.txt(name);
    }

    private CompletionStage<DnsAnswer<IpAddress>> addressesOf(String name) {
        return ahead != null ? ahead.addresses(name) : queries.addresses(name, request.ip());
    }

    /** The client's PTR names. */
    private CompletionStage<DnsAnswer<String>> ptr() {
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
