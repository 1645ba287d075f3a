package org.jamesspf.spf;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.SpfDns;
import org.jamesspf.spf.macro.MacroContext;
import org.jamesspf.spf.macro.MacroString;
import org.jamesspf.spf.record.Mechanism;
import org.jamesspf.spf.record.ParseResult;
import org.jamesspf.spf.record.SpfRecord;
import org.jamesspf.spf.record.SpfRecordParser;

/**
 * The DNS of one check, fetched ahead. Sequential check_host() waits for each lookup before
 * the next, so a check costs (lookups) x RTT although most lookups do not depend on each other.
 * When a record is in hand, this starts the lookups its terms name, before the evaluation reaches
 * them; when an included record arrives, its terms' lookups start too, and an MX answer starts its
 * hosts' address lookups. The evaluation then takes every answer from here. It is created only
 * when the evaluation first has to wait for an answer, and then starts with the records in hand.
 *
 * <p>What is fetched never changes the result: RFC 7208 4.6.4's counters (DNS terms, void lookups)
 * are counted by the evaluation when it evaluates a term, never here, and it evaluates in order as
 * before. Fetched only: terms before the first {@code all} or matching {@code ip4}/{@code ip6}
 * (later ones are never evaluated), at most the 10-term limit of lookups per check, never a target
 * that needs the {@code p} macro (its own DNS), and a {@code redirect} only when every term before
 * it is local and none matched (so it certainly applies). It may send more queries than the
 * evaluation needs (a term after the one that matches), never the same query twice.
 *
 * <p>It stays an optimisation: a speculative query is sent only while the checker's {@link
 * Speculation} cap has room and the evaluation runs ({@link #close()} stops it); a speculative
 * query that failed for a local reason (a full pool, a closed transport) is forgotten, and the
 * evaluation asks again itself; records arriving are parsed on the engine's executor, never on
 * the thread that completed the answer.
 */
final class FetchAhead {
    private final SpfDns dns;
    /** The same resolver for lookups sent ahead: one that learns from failures does not learn from these. */
    private final SpfDns ahead;
    private final Clock clock;
    private final CheckRequest request;
    private final Function<String, ParseResult> parser;
    private final AtomicInteger budget;
    private final Executor executor;
    private final Speculation speculation;
    /** The evaluation's macro context: fetch-ahead's expansion work is counted with the evaluation's. */
    private final MacroContext work;
    private final ConcurrentHashMap<String, Entry> answers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** One lookup: its answer, and whether it was sent ahead of the evaluation. */
    private static final class Entry {
        final CompletableFuture<DnsAnswer<?>> answer = new CompletableFuture<>();
        final boolean speculative;

        Entry(boolean speculative) {
            this.speculative = speculative;
        }
    }

    FetchAhead(SpfDns dns, Clock clock, CheckRequest request, Function<String, ParseResult> parser, int termBudget, Executor executor,
               Speculation speculation, MacroContext work) {
        this.work = work;
        this.ahead = dns.speculative();
        this.dns = dns;
        this.clock = clock;
        this.request = request;
        this.parser = parser;
        this.budget = new AtomicInteger(termBudget);
        this.executor = executor;
        this.speculation = speculation;
    }

    /** The evaluation ended: nothing more is sent ahead for it. */
    void close() {
        closed = true;
    }

    // ---- the evaluation's lookups: from the memo, or sent now ----

    CompletionStage<DnsAnswer<String>> txt(String name) {
        return ask("TXT ", name, () -> dns.txt(name));
    }

    CompletionStage<DnsAnswer<IpAddress>> a(String name) {
        return ask("A ", name, () -> dns.a(name));
    }

    CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
        return ask("AAAA ", name, () -> dns.aaaa(name));
    }

    /** The addresses of {@code name} in the client's family (RFC 7208 5.3). */
    CompletionStage<DnsAnswer<IpAddress>> addresses(String name) {
        return ask(addressType(), name, () -> dns.addresses(name, request.ip()));
    }

    /** The memo key of the client's family's address lookups: the same as {@link #a} or {@link #aaaa} write. */
    private String addressType() {
        return request.ip().isV6() ? "AAAA " : "A ";
    }

    CompletionStage<DnsAnswer<String>> mx(String name) {
        return ask("MX ", name, () -> dns.mx(name));
    }

    CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
        return ask("PTR ", address.toString(), () -> dns.ptr(address));
    }

    /** One lookup per type and name per check; the first asker sends it, later ones share its answer. */
    @SuppressWarnings("unchecked")
    private <T> CompletionStage<DnsAnswer<T>> ask(String type, String name, Supplier<CompletionStage<DnsAnswer<T>>> lookup) {
        String key = key(type, name);
        Entry entry = answers.get(key);
        if (entry == null) {
            Entry created = new Entry(false);
            entry = answers.putIfAbsent(key, created);
            if (entry == null) {
                send(created, lookup);
                return (CompletionStage<DnsAnswer<T>>) (CompletionStage<?>) created.answer;
            }
        }
        if (!entry.speculative) {
            return (CompletionStage<DnsAnswer<T>>) (CompletionStage<?>) entry.answer;
        }
        Entry speculative = entry;
        // a speculative query that failed locally is no answer: the evaluation asks again itself
        return speculative.answer.thenCompose(answer -> {
            if (!answer.isLocalFailure()) {
                return CompletableFuture.completedFuture((DnsAnswer<T>) answer);
            }
            answers.remove(key, speculative);
            return ask(type, name, lookup);
        });
    }

    /** Sends a lookup ahead of the evaluation, when the cap and the evaluation allow; null when not sent. */
    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<DnsAnswer<T>> speculate(String type, String name, Supplier<CompletionStage<DnsAnswer<T>>> lookup) {
        String key = key(type, name);
        Entry entry = answers.get(key);
        if (entry != null) {
            return (CompletableFuture<DnsAnswer<T>>) (CompletableFuture<?>) entry.answer;
        }
        if (closed || !speculation.tryAcquire()) {
            return null;
        }
        Entry created = new Entry(true);
        entry = answers.putIfAbsent(key, created);
        if (entry != null) {
            speculation.release();
            return (CompletableFuture<DnsAnswer<T>>) (CompletableFuture<?>) entry.answer;
        }
        created.answer.whenComplete((answer, failure) -> {
            speculation.release();
            if (failure != null || answer.isLocalFailure()) {
                answers.remove(key, created);
            }
        });
        send(created, lookup);
        return (CompletableFuture<DnsAnswer<T>>) (CompletableFuture<?>) created.answer;
    }

    private static String key(String type, String name) {
        // "host." (an MX or PTR answer) and "host" are one name: one lookup
        return type + Ascii.toLowerCase(DomainNames.stripDot(name));
    }

    private static <T> void send(Entry entry, Supplier<CompletionStage<DnsAnswer<T>>> lookup) {
        CompletionStage<DnsAnswer<T>> stage;
        try {
            stage = lookup.get();
        } catch (RuntimeException e) {
            // a resolver that throws instead of answering: whoever waits sees the same failure
            entry.answer.completeExceptionally(e);
            return;
        }
        stage.whenComplete((answer, failure) -> {
            if (failure != null) {
                entry.answer.completeExceptionally(failure);
            } else {
                entry.answer.complete(answer);
            }
        });
    }

    private CompletableFuture<DnsAnswer<IpAddress>> speculateAddresses(String name) {
        return speculate(addressType(), name, () -> ahead.addresses(name, request.ip()));
    }

    /**
     * Starts the lookups that {@code record} (of {@code domain}) names from its term {@code from}
     * on, as described above (the terms before it are evaluated or in hand).
     */
    void ahead(SpfRecord record, String domain, int from) {
        boolean allLocal = from == 0;
        List<Mechanism> mechanisms = record.mechanisms();
        for (int i = from; i < mechanisms.size() && !closed; i++) {
            Mechanism m = mechanisms.get(i);
            switch (m.kind()) {
                case ALL:
                    return;
                case IP4:
                case IP6:
                    if (m.covers(request.ip())) {
                        return;
                    }
                    continue;
                default:
                    break;
            }
            allLocal = false;
            if (budget.decrementAndGet() < 0) {
                return;
            }
            String target = target(m.domainSpec(), domain);
            if (target == null && m.kind() != Mechanism.Kind.PTR) {
                continue;
            }
            switch (m.kind()) {
                case A:
                    speculateAddresses(target);
                    break;
                case EXISTS:
                    speculate("A ", target, () -> ahead.a(target));
                    break;
                case MX:
                    CompletableFuture<DnsAnswer<String>> mx = speculate("MX ", target, () -> ahead.mx(target));
                    if (mx != null) {
                        mx.thenAcceptAsync(this::mxHosts, executor);
                    }
                    break;
                case PTR:
                    speculate("PTR ", request.ip().toString(), () -> ahead.ptr(request.ip()));
                    break;
                case INCLUDE:
                    record(target);
                    break;
                default:
                    throw new AssertionError(m.kind());
            }
        }
        // RFC 7208 6.1: redirect applies when no mechanism matched: certain only when all were local
        if (allLocal && !closed && record.redirect() != null && budget.decrementAndGet() >= 0) {
            String target = target(record.redirect(), domain);
            if (target != null) {
                record(target);
            }
        }
    }

    private void mxHosts(DnsAnswer<String> answer) {
        List<String> hosts = answer.records();
        if (answer.kind() == DnsAnswer.Kind.RECORDS && hosts.size() <= Limits.MAX_NAMES_PER_TERM) {
            for (String host : hosts) {
                speculateAddresses(host);
            }
        }
    }

    /** Fetches {@code domain}'s TXT and, when it holds one SPF record, fetches ahead for it too. */
    private void record(String domain) {
        CompletableFuture<DnsAnswer<String>> txt = speculate("TXT ", domain, () -> ahead.txt(domain));
        if (txt != null) {
            txt.thenAcceptAsync(answer -> recordArrived(domain, answer), executor);
        }
    }

    private void recordArrived(String domain, DnsAnswer<String> answer) {
        if (closed || answer.kind() != DnsAnswer.Kind.RECORDS) {
            return;
        }
        String found = null;
        for (String txt : answer.records()) {
            if (SpfRecordParser.isSpfRecord(txt)) {
                if (found != null) {
                    return; // RFC 7208 4.5: permerror, nothing to fetch
                }
                found = txt;
            }
        }
        if (found != null) {
            ParseResult parsed = parser.apply(found);
            if (parsed.isValid()) {
                ahead(parsed.record(), domain, 0);
            }
        }
    }

    /** The queryable target of a domain-spec in {@code domain}'s record; null when it needs DNS to expand or is no name. */
    private String target(MacroString spec, String domain) {
        if (spec == null) {
            return domain;
        }
        if (spec.uses('p')) {
            return null; // RFC 7208 7.3: p needs its own PTR lookups, done by the evaluation if it gets there
        }
        String name = spec.expandDomain(new Context(domain));
        return DomainNames.isQueryableName(name) ? name : null;
    }

    /** Macro values of the request for a record of {@code domain}; never asked for p (see above). */
    private final class Context implements MacroContext {
        private final String domain;

        Context(String domain) {
            this.domain = domain;
        }

        @Override
        public String value(char letter) {
            return MacroValues.macroValue(request, letter, domain, clock);
        }

        @Override
        public void built(int octets) {
            work.built(octets);
        }
    }
}
