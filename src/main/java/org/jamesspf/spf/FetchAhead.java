package org.jamesspf.spf;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
 * it is local and none matched (so it certainly applies).
 */
final class FetchAhead {
    private final SpfDns dns;
    private final java.time.Clock clock;
    private final CheckRequest request;
    private final Function<String, ParseResult> parser;
    private final AtomicInteger budget;
    private final ConcurrentHashMap<String, CompletableFuture<?>> answers = new ConcurrentHashMap<>();

    FetchAhead(SpfDns dns, java.time.Clock clock, CheckRequest request, Function<String, ParseResult> parser, int termBudget) {
        this.dns = dns;
        this.clock = clock;
        this.request = request;
        this.parser = parser;
        this.budget = new AtomicInteger(termBudget);
    }

    CompletionStage<DnsAnswer<String>> txt(String name) {
        return memo("TXT ", name, () -> dns.txt(name));
    }

    CompletionStage<DnsAnswer<IpAddress>> a(String name) {
        return memo("A ", name, () -> dns.a(name));
    }

    CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
        return memo("AAAA ", name, () -> dns.aaaa(name));
    }

    CompletionStage<DnsAnswer<String>> mx(String name) {
        return memo("MX ", name, () -> dns.mx(name));
    }

    CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
        return memo("PTR ", address.toString(), () -> dns.ptr(address));
    }

    private CompletionStage<DnsAnswer<IpAddress>> addresses(String name) {
        return request.ip().isV6() ? aaaa(name) : a(name);
    }

    /** One lookup per type and name per check; the first asker sends it, later ones share its answer. */
    @SuppressWarnings("unchecked")
    private <T> CompletionStage<DnsAnswer<T>> memo(String type, String name, Supplier<CompletionStage<DnsAnswer<T>>> lookup) {
        // "host." (an MX or PTR answer) and "host" are one name: one lookup
        String key = type + Ascii.toLowerCase(DomainNames.stripDot(name));
        CompletableFuture<?> existing = answers.get(key);
        if (existing != null) {
            return (CompletionStage<DnsAnswer<T>>) existing;
        }
        CompletableFuture<DnsAnswer<T>> created = new CompletableFuture<>();
        existing = answers.putIfAbsent(key, created);
        if (existing != null) {
            return (CompletionStage<DnsAnswer<T>>) existing;
        }
        CompletionStage<DnsAnswer<T>> stage;
        try {
            stage = lookup.get();
        } catch (RuntimeException e) {
            // a resolver that throws instead of answering: the evaluation sees the same failure
            created.completeExceptionally(e);
            throw e;
        }
        stage.whenComplete((answer, failure) -> {
            if (failure != null) {
                created.completeExceptionally(failure);
            } else {
                created.complete(answer);
            }
        });
        return created;
    }

    /**
     * Starts the lookups that {@code record} (of {@code domain}) names from its term {@code from}
     * on, as described above (the terms before it are evaluated or in hand).
     */
    void ahead(SpfRecord record, String domain, int from) {
        boolean allLocal = from == 0;
        List<Mechanism> mechanisms = record.mechanisms();
        for (int i = from; i < mechanisms.size(); i++) {
            Mechanism m = mechanisms.get(i);
            switch (m.kind()) {
                case ALL:
                    return;
                case IP4:
                case IP6:
                    if (request.ip().isIn(m.network(), m.network().isV6() ? m.cidr6() : m.cidr4())) {
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
                    addresses(target);
                    break;
                case EXISTS:
                    a(target);
                    break;
                case MX:
                    mx(target).thenAccept(answer -> {
                        List<String> hosts = answer.records();
                        if (answer.kind() == DnsAnswer.Kind.RECORDS && hosts.size() <= Limits.MAX_NAMES_PER_TERM) {
                            for (String host : hosts) {
                                addresses(host);
                            }
                        }
                    });
                    break;
                case PTR:
                    ptr(request.ip());
                    break;
                case INCLUDE:
                    record(target);
                    break;
                default:
                    throw new AssertionError(m.kind());
            }
        }
        // RFC 7208 6.1: redirect applies when no mechanism matched: certain only when all were local
        if (allLocal && record.redirect() != null && budget.decrementAndGet() >= 0) {
            String target = target(record.redirect(), domain);
            if (target != null) {
                record(target);
            }
        }
    }

    /** Fetches {@code domain}'s TXT and, when it holds one SPF record, fetches ahead for it too. */
    private void record(String domain) {
        txt(domain).thenAccept(answer -> {
            if (answer.kind() != DnsAnswer.Kind.RECORDS) {
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
        });
    }

    /** The queryable target of a domain-spec in {@code domain}'s record; null when it needs DNS to expand or is no name. */
    private String target(MacroString spec, String domain) {
        if (spec == null) {
            return domain;
        }
        String text = spec.text();
        if (text.contains("%{p") || text.contains("%{P")) {
            return null; // RFC 7208 7.3: p needs its own PTR lookups, done by the evaluation if it gets there
        }
        String name = DomainNames.truncateDomain(spec.expand(new Context(domain)));
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
            return Explanations.macroValue(request, letter, domain, clock);
        }
    }
}
