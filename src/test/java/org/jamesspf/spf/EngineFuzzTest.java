package org.jamesspf.spf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.ForwardingDns;
import org.jamesspf.spf.dns.InMemoryZone;
import org.jamesspf.spf.macro.MacroString;
import org.jamesspf.spf.record.Mechanism;
import org.jamesspf.spf.record.ParseResult;
import org.jamesspf.spf.record.SpfRecordParser;

/**
 * Coverage-guided fuzz tests of the engine (Jazzer). In a plain build they replay the committed
 * inputs under {@code src/test/resources/org/jamesspf/spf/EngineFuzzTestInputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} one of them fuzzes for {@link FuzzDuration#MAX} (README, "Fuzzing").
 * Each checks properties, not only "no exception".
 */
class EngineFuzzTest {
    /** RFC 7208 4.6 and 12: parsing is deterministic, and what it accepts respects the grammar's bounds. */
    @FuzzTest(maxDuration = FuzzDuration.MAX)
    void recordParser(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        ParseResult first = SpfRecordParser.parse(text);
        ParseResult second = SpfRecordParser.parse(text);
        assertThat(second.isValid()).isEqualTo(first.isValid());
        if (!first.isValid()) {
            assertThat(second.position()).isEqualTo(first.position());
            assertThat(second.message()).isEqualTo(first.message());
            assertThat(first.position()).isBetween(0, text.length());
            return;
        }
        assertThat(second.record()).isEqualTo(first.record());
        assertThat(text.regionMatches(true, 0, "v=spf1", 0, 6)).isTrue();
        for (Mechanism m : first.record().mechanisms()) {
            assertThat(m.cidr4()).isBetween(0, 32);
            assertThat(m.cidr6()).isBetween(0, 128);
        }
    }

    /** RFC 7208 7: expansion is deterministic; a domain-spec expands to a name cut to 253 octets (4.8). */
    @FuzzTest(maxDuration = FuzzDuration.MAX)
    void macroExpander(FuzzedDataProvider data) {
        MacroString.Context context = data.pickValue(MacroString.Context.values());
        String value = data.consumeString(300);
        String text = data.consumeRemainingAsString();
        MacroString.Parsed parsed = MacroString.parse(text, context);
        if (!parsed.isValid()) {
            assertThat(parsed.position()).isBetween(0, text.length());
            return;
        }
        String expanded = parsed.value().expand(letter -> value, Integer.MAX_VALUE);
        assertThat(parsed.value().expand(letter -> value, Integer.MAX_VALUE)).isEqualTo(expanded);
        // each macro yields at most its value URL-escaped (3 octets per character) or "unknown"
        assertThat(expanded.length()).isLessThanOrEqualTo(text.length() * Math.max(3 * value.length(), 7) + text.length());
        // RFC 7208 4.8: the domain built from the right is the full expansion, truncated
        long[] built = new long[1];
        String name = parsed.value().expandDomain(new org.jamesspf.spf.macro.MacroContext() {
            @Override
            public String value(char letter) {
                return value;
            }

            @Override
            public void built(int octets) {
                built[0] += octets;
            }
        });
        String truncated = DomainNames.truncateDomain(expanded);
        if (DomainNames.isQueryableName(truncated)) {
            assertThat(name).isEqualTo(truncated);
            assertThat(name.length()).isLessThanOrEqualTo(253);
        } else {
            assertThat(DomainNames.isQueryableName(name)).as(name).isFalse();
        }
        // the work: at most the window, and the one macro that straddles its edge (UTF-8, escaped: 9 per char)
        assertThat(built[0]).isLessThanOrEqualTo(MacroString.DOMAIN_WINDOW + Math.max(9L * value.length(), 7));
        assertThat(parsed.value().expand(letter -> value, 1024).length()).isLessThanOrEqualTo(1024);
    }

    /**
     * The whole check over fuzzed zone data and inputs: one of the seven results; the same again
     * with fetch-ahead over DNS that answers later (result, reason, term, explanation, counters);
     * counters within the RFC 7208 4.6.4 limits, every queried name at most 253 octets, DNS
     * queries bounded.
     */
    @FuzzTest(maxDuration = FuzzDuration.MAX)
    void checkHost(FuzzedDataProvider data) {
        InMemoryZone zone = zone(data);
        IpAddress ip = data.consumeBoolean() ? IpAddress.ofV4(data.pickValue(new int[] {0xC0000201, 0xC0000202, data.consumeInt()}))
            : IpAddress.parse(data.pickValue(new String[] {"2001:db8::1", "::ffff:192.0.2.1", "2001:db8::2"}));
        String helo = data.pickValue(NAMES) + (data.consumeBoolean() ? "" : data.consumeString(20));
        String sender = data.consumeBoolean() ? data.consumeString(40) + "@" + data.pickValue(NAMES) : data.consumeString(80);
        CheckRequest request = data.consumeBoolean() ? CheckRequest.mailFrom(ip, sender, helo) : CheckRequest.helo(ip, helo);
        CountingDns dns = new CountingDns(zone);
        SpfChecker checker = SpfChecker.builder(dns).clock(Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC))
            .fetchAhead(false).build();
        CheckOutcome outcome = checker.checkHost(request);
        // the same zone answering later, on another thread: fetch-ahead starts, and must change nothing
        SpfChecker ahead = SpfChecker.builder(new CountingDns(zone, ASYNC))
            .clock(Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC)).fetchAhead(true).build();
        CheckOutcome again = ahead.checkHost(request);
        assertThat(again.dnsLookups()).isEqualTo(outcome.dnsLookups());
        assertThat(again.voidLookups()).isEqualTo(outcome.voidLookups());
        assertThat(outcome.result()).isIn((Object[]) SpfResult.values());
        assertThat(again.result()).isEqualTo(outcome.result());
        assertThat(again.reason()).isEqualTo(outcome.reason());
        assertThat(again.term()).isEqualTo(outcome.term());
        assertThat(again.explanation()).isEqualTo(outcome.explanation());
        Limits limits = checker.limits();
        assertThat(outcome.dnsLookups()).isLessThanOrEqualTo(limits.dnsTerms() + 1);
        assertThat(outcome.voidLookups()).isLessThanOrEqualTo(limits.voidLookups() + 1);
        if (outcome.dnsLookups() > limits.dnsTerms()) {
            assertThat(outcome.reason()).isEqualTo(Reason.LOOKUP_LIMIT);
        }
        if (outcome.voidLookups() > limits.voidLookups()) {
            assertThat(outcome.reason()).isEqualTo(Reason.VOID_LIMIT);
        }
        // top TXT + 11 terms x (1 + 10 names) + p macro (1 + 10) + exp: far below 200 per check
        assertThat(dns.queries.size()).isLessThanOrEqualTo(2 * 200);
        for (String name : dns.queries) {
            assertThat(name.length()).as(name).isLessThanOrEqualTo(254);
        }
        assertThat(outcome.trace().size()).isLessThanOrEqualTo(SpfChecker.MAX_TRACE_EVENTS);
        // work per check is bounded by design: each expansion builds at most the name's window and one
        // macro's value (URL-escaped UTF-8: 9 octets a character); at most 10 terms (4.6.4) and the exp
        // target expand, fetch-ahead at most 10 more, and the explanation at most 1,024 octets (6.2)
        long piece = 9L * Math.max(Math.max(request.sender().length(), request.helo().length()), 253);
        long bound = (limits.dnsTerms() + 1 + limits.dnsTerms()) * (MacroString.DOMAIN_WINDOW + piece)
            + SpfChecker.MAX_EXPLANATION_OCTETS + piece;
        assertThat(outcome.macroOctets()).isLessThanOrEqualTo(bound);
        assertThat(again.macroOctets()).isLessThanOrEqualTo(bound);
        assertThat(outcome.explanation().length()).isLessThanOrEqualTo(SpfChecker.MAX_EXPLANATION_OCTETS);
    }

    static final String[] NAMES = {"example.com", "a.example.com", "b.example.com", "c.example.org", "d.example.net", "e.example.com"};
    private static final String[] TERMS = {
        "ip4:192.0.2.0/24", "ip6:2001:db8::/32", "a", "a:a.example.com", "a/24", "a//64", "mx", "mx:b.example.com/24",
        "ptr", "ptr:example.com", "exists:%{i}.c.example.org", "exists:%{l}.%{d}", "include:a.example.com",
        "include:%{d}", "include:b.example.com", "redirect=b.example.com", "redirect=%{d}", "exp=e.example.com",
        "-all", "~all", "?all", "+all", "exists:%{p}.d.example.net", "a:%{h}", "mx:%{o}", "-ip4:192.0.2.1",
        "foo=bar", "ip4:192.0.2.1/33", "include:", "%{s}"};

    /** A small zone over six names, filled from the fuzzer's bytes: SPF-shaped records, raw text and addresses. */
    static InMemoryZone zone(FuzzedDataProvider data) {
        InMemoryZone.Builder zone = InMemoryZone.builder();
        int entries = data.consumeInt(0, 24);
        for (int i = 0; i < entries; i++) {
            String name = data.pickValue(NAMES);
            switch (data.consumeInt(0, 7)) {
                case 0:
                case 1: {
                    StringBuilder record = new StringBuilder("v=spf1");
                    int terms = data.consumeInt(0, 12);
                    for (int t = 0; t < terms; t++) {
                        record.append(' ').append(data.consumeBoolean() ? data.pickValue(TERMS) : data.consumeString(24));
                    }
                    zone.txt(name, record.toString());
                    break;
                }
                case 2:
                    zone.txt(name, data.consumeString(120));
                    break;
                case 3:
                    zone.a(name, data.pickValue(new String[] {"192.0.2.1", "192.0.2.2", "198.51.100.1", "127.0.0.2"}));
                    break;
                case 4:
                    zone.aaaa(name, data.pickValue(new String[] {"2001:db8::1", "2001:db8::2"}));
                    break;
                case 5:
                    zone.mx(name, data.consumeInt(0, 100), data.pickValue(NAMES));
                    break;
                case 6:
                    zone.ptr(IpAddress.parse(data.pickValue(new String[] {"192.0.2.1", "2001:db8::1"})), data.pickValue(NAMES));
                    break;
                default:
                    zone.serverFailure(name, data.pickValue(InMemoryZone.Type.values()));
                    break;
            }
        }
        return zone.build();
    }

    /** Completes answers on another thread, so that they are not there at once. */
    private static final java.util.concurrent.Executor ASYNC = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "fuzz-async-dns");
        t.setDaemon(true);
        return t;
    });

    /** Answers from a zone (at once, or on {@code async}) and records every queried name. */
    static final class CountingDns extends ForwardingDns {
        final java.util.concurrent.Executor async;
        final List<String> queries = java.util.Collections.synchronizedList(new ArrayList<>());

        CountingDns(InMemoryZone zone) {
            this(zone, null);
        }

        CountingDns(InMemoryZone zone, java.util.concurrent.Executor async) {
            super(zone);
            this.async = async;
        }

        @Override
        protected <T> CompletionStage<DnsAnswer<T>> around(String name, java.util.function.Supplier<CompletionStage<DnsAnswer<T>>> lookup) {
            queries.add(name);
            CompletionStage<DnsAnswer<T>> answer = lookup.get();
            return async == null ? answer : answer.thenApplyAsync(a -> a, async);
        }
    }
}
