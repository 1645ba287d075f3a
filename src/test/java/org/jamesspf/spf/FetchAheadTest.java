package org.jamesspf.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.ForwardingDns;
import org.jamesspf.spf.dns.InMemoryZone;
import org.jamesspf.spf.dns.SpfDns;
import org.jamesspf.spf.suite.SuiteCase;
import org.jamesspf.spf.suite.SuiteLoader;
import org.jamesspf.spf.suite.SuiteScenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Fetching ahead changes when lookups are sent, never what a check decides nor what it counts. */
class FetchAheadTest {
    private static final ScheduledExecutorService DELAYER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fetch-ahead-test");
        t.setDaemon(true);
        return t;
    });

    @AfterAll
    static void stop() {
        DELAYER.shutdownNow();
    }

    /** Answers from a zone after a delay; counts queries and the most in flight at once. */
    static final class DelayedDns extends ForwardingDns {
        final long delayMillis;
        final AtomicInteger queries = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        DelayedDns(SpfDns zone, long delayMillis) {
            super(zone);
            this.delayMillis = delayMillis;
        }

        @Override
        protected <T> CompletionStage<DnsAnswer<T>> around(String name, Supplier<CompletionStage<DnsAnswer<T>>> lookup) {
            CompletionStage<DnsAnswer<T>> answer = lookup.get();
            queries.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            CompletableFuture<DnsAnswer<T>> result = new CompletableFuture<>();
            DELAYER.schedule(() -> {
                inFlight.decrementAndGet();
                answer.whenComplete((a, e) -> result.complete(a));
            }, delayMillis, TimeUnit.MILLISECONDS);
            return result;
        }
    }

    private static SpfChecker checker(SpfDns dns, boolean fetchAhead) {
        return SpfChecker.builder(dns).fetchAhead(fetchAhead).defaultExplanation("DEFAULT")
            .clock(Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC)).build();
    }

    private static String summary(CheckOutcome o) {
        return o.result() + " " + o.reason() + " term=" + o.term() + " exp=" + o.explanation() + " lookups=" + o.dnsLookups()
            + " void=" + o.voidLookups();
    }

    @Test
    @DisplayName("every openspf suite case: the same result, reason, term, explanation and 4.6.4 counters as sequential evaluation")
    void suiteUnchanged() throws Exception {
        int cases = 0;
        for (SuiteScenario scenario : SuiteLoader.load(SuiteLoader.suiteForTests())) {
            for (SuiteCase c : scenario.cases) {
                CheckRequest request = CheckRequest.mailFrom(IpAddress.parse(c.host), c.mailfrom, c.helo);
                String sequential = summary(checker(scenario.zone, false).checkHost(request));
                String ahead = summary(checker(scenario.zone, true).checkHost(request));
                assertThat(ahead).as(c.displayName()).isEqualTo(sequential);
                cases++;
            }
        }
        assertThat(cases).isEqualTo(SuiteLoader.CASES);
    }

    @Test
    @DisplayName("a record's includes, their a/mx terms and MX hosts are fetched together: same outcome, no more queries")
    void includesFetchedTogether() {
        InMemoryZone.Builder zone = InMemoryZone.builder()
            .txt("example.com", "v=spf1 include:a.example.com include:b.example.com include:c.example.com -all")
            .txt("a.example.com", "v=spf1 a:h1.example.com a:h2.example.com ~all")
            .txt("b.example.com", "v=spf1 mx:m.example.com ~all")
            .txt("c.example.com", "v=spf1 ip4:198.51.100.0/24 exists:%{i}.e.example.com ~all")
            .mx("m.example.com", 10, "mx1.example.com").mx("m.example.com", 20, "mx2.example.com")
            .a("h1.example.com", "203.0.113.1").a("h2.example.com", "203.0.113.2")
            .a("mx1.example.com", "203.0.113.3").a("mx2.example.com", "203.0.113.4");
        InMemoryZone built = zone.build();
        List<String> results = new ArrayList<>();
        for (String ip : List.of("203.0.113.4", "192.0.2.1", "198.51.100.7")) {
            CheckRequest request = CheckRequest.mailFrom(IpAddress.parse(ip), "a@example.com", "h.example.org");
            DelayedDns sequentialDns = new DelayedDns(built, 5);
            DelayedDns aheadDns = new DelayedDns(built, 5);
            CheckOutcome sequential = checker(sequentialDns, false).checkHost(request);
            CheckOutcome ahead = checker(aheadDns, true).checkHost(request);
            assertThat(summary(ahead)).isEqualTo(summary(sequential));
            assertThat(sequentialDns.maxInFlight.get()).as("sequential: one lookup at a time (an MX term's hosts together)").isLessThanOrEqualTo(2);
            // the three includes' TXT lookups at least were in flight together: an event count, not a timing
            assertThat(aheadDns.maxInFlight.get()).as(ip).isGreaterThanOrEqualTo(3);
            assertThat(aheadDns.queries.get()).as("queries sent, " + ip).isLessThanOrEqualTo(sequentialDns.queries.get() + 2);
            results.add(ahead.result().token());
        }
        assertThat(results).containsExactly("pass", "fail", "pass");
    }

    @Test
    @DisplayName("nothing is fetched past a matching ip4 or an all: those terms are never evaluated")
    void stopsAtLocalMatch() {
        InMemoryZone zone = InMemoryZone.builder()
            .txt("example.com", "v=spf1 ip4:192.0.2.0/24 include:a.example.com include:b.example.com -all")
            .txt("a.example.com", "v=spf1 -all").txt("b.example.com", "v=spf1 -all").build();
        DelayedDns dns = new DelayedDns(zone, 1);
        CheckOutcome outcome = checker(dns, true)
            .checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.9"), "a@example.com", "h.example.org"));
        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(dns.queries.get()).as("only example.com's TXT").isEqualTo(1);
    }

    @Test
    @DisplayName("the cap on speculative queries holds across checks; at 0 nothing is sent ahead (queries as sequential)")
    void speculationCapped() {
        InMemoryZone.Builder zone = InMemoryZone.builder();
        StringBuilder record = new StringBuilder("v=spf1");
        for (int i = 0; i < 8; i++) {
            record.append(" include:i").append(i).append(".example.com");
            zone.txt("i" + i + ".example.com", "v=spf1 a:h" + i + ".example.com -all").a("h" + i + ".example.com", "203.0.113." + i);
        }
        InMemoryZone built = zone.txt("example.com", record.append(" -all").toString()).build();
        CheckRequest request = CheckRequest.mailFrom(IpAddress.parse("203.0.113.7"), "a@example.com", "h.example.org");
        DelayedDns sequentialDns = new DelayedDns(built, 3);
        CheckOutcome sequential = checker(sequentialDns, false).checkHost(request);
        for (int cap : new int[] {0, 2, 5}) {
            DelayedDns dns = new DelayedDns(built, 3);
            SpfChecker checker = SpfChecker.builder(dns).maxSpeculativeQueries(cap).defaultExplanation("DEFAULT")
                .clock(Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC)).build();
            CheckOutcome outcome = checker.checkHost(request);
            assertThat(summary(outcome)).isEqualTo(summary(sequential));
            // the evaluation's own lookup, and at most cap sent ahead of it
            assertThat(dns.maxInFlight.get()).as("cap " + cap).isLessThanOrEqualTo(1 + cap);
            if (cap == 0) {
                assertThat(dns.queries.get()).isEqualTo(sequentialDns.queries.get());
            }
        }
    }

    /** Holds the answers of chosen names until released; records every name asked, and on which thread. */
    static final class GatedDns extends ForwardingDns {
        final java.util.Map<String, CompletableFuture<Void>> gates = new java.util.HashMap<>();
        final java.util.List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());
        final java.util.List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        final java.util.concurrent.Executor completions;

        GatedDns(SpfDns zone, java.util.concurrent.Executor completions, String... gated) {
            super(zone);
            for (String name : gated) {
                gates.put(name, new CompletableFuture<>());
            }
            this.completions = completions;
        }

        /** Lets the held answer of {@code name} go. */
        void release(String name) {
            gates.get(name).complete(null);
        }

        @Override
        protected <T> CompletionStage<DnsAnswer<T>> around(String name, Supplier<CompletionStage<DnsAnswer<T>>> lookup) {
            asked.add(name);
            threads.add(Thread.currentThread().getName());
            CompletionStage<DnsAnswer<T>> answer = lookup.get();
            CompletableFuture<Void> wait = gates.getOrDefault(name, CompletableFuture.completedFuture(null));
            // answers complete on a thread of "the DNS library", as a transport's would
            return wait.thenCombineAsync(answer, (v, a) -> a, completions);
        }
    }

    private static final java.util.concurrent.ExecutorService DNS_LIBRARY = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dns-library-completion");
        t.setDaemon(true);
        return t;
    });

    @Test
    @DisplayName("speculation stops when its evaluation ends: a record arriving later starts no lookups")
    void stopsWithTheEvaluation() throws Exception {
        InMemoryZone zone = InMemoryZone.builder()
            .txt("example.com", "v=spf1 a:first.example.com include:later.example.com -all")
            .a("first.example.com", "192.0.2.1")
            .txt("later.example.com", "v=spf1 include:c1.example.com include:c2.example.com a:c3.example.com -all")
            .build();
        GatedDns dns = new GatedDns(zone, DNS_LIBRARY, "example.com", "later.example.com");
        CompletableFuture<CheckOutcome> pending = checker(dns, true)
            .checkHostAsync(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "a@example.com", "h")).toCompletableFuture();
        // parked on its first answer: fetch-ahead runs from the record on, and sends later.example.com's TXT ahead
        dns.release("example.com");
        CheckOutcome outcome = pending.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(dns.asked).contains("later.example.com");
        dns.release("later.example.com");
        // the later record's answer is handled (its parse on the engine) before this returns: a drain, not a wait
        CompletableFuture.runAsync(() -> { }, DNS_LIBRARY).get();
        CompletableFuture.runAsync(() -> { }, EngineThreads.common().executor()).get();
        Thread.sleep(50);
        assertThat(dns.asked).doesNotContain("c1.example.com", "c2.example.com", "c3.example.com");
    }

    @Test
    @DisplayName("records fetched ahead are parsed and their lookups sent on the engine's threads, never the DNS library's")
    void callbacksOnTheEngine() {
        InMemoryZone zone = InMemoryZone.builder()
            .txt("example.com", "v=spf1 include:a.example.com include:b.example.com mx:m.example.com -all")
            .txt("a.example.com", "v=spf1 a:ha.example.com -all").txt("b.example.com", "v=spf1 a:hb.example.com -all")
            .mx("m.example.com", 10, "mx1.example.com").a("mx1.example.com", "192.0.2.9")
            .a("ha.example.com", "198.51.100.1").a("hb.example.com", "198.51.100.2").build();
        EngineThreads threads = EngineThreads.start("fetch-ahead-engine", 2);
        try {
            GatedDns dns = new GatedDns(zone, DNS_LIBRARY);
            CheckOutcome outcome = SpfChecker.builder(dns).threads(threads).build()
                .checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.9"), "a@example.com", "h"));
            assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
            assertThat(dns.asked).contains("ha.example.com", "hb.example.com", "mx1.example.com");
            assertThat(dns.threads).noneMatch(name -> name.startsWith("dns-library"));
        } finally {
            threads.close();
        }
    }

    @Test
    @DisplayName("a speculative query that failed locally (pool full) is not remembered: the evaluation asks again, same result")
    void localFailureNotMemoized() {
        InMemoryZone zone = InMemoryZone.builder()
            .txt("example.com", "v=spf1 a:slow.example.com include:b.example.com -all")
            .txt("b.example.com", "v=spf1 ip4:192.0.2.0/24 -all")
            .build();
        AtomicInteger bQueries = new AtomicInteger();
        SpfDns dns = new ForwardingDns(new DelayedDns(zone, 5)) {
            @Override
            protected <T> CompletionStage<DnsAnswer<T>> around(String name, Supplier<CompletionStage<DnsAnswer<T>>> lookup) {
                if (name.equals("b.example.com") && bQueries.incrementAndGet() == 1) {
                    return CompletableFuture.completedFuture(DnsAnswer.localFailure("lookup pool saturated"));
                }
                return lookup.get();
            }
        };
        CheckRequest request = CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "a@example.com", "h");
        CheckOutcome outcome = checker(dns, true).checkHost(request);
        assertThat(summary(outcome)).isEqualTo(summary(checker(zone, false).checkHost(request)));
        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(bQueries.get()).as("sent ahead, failed locally, asked again").isEqualTo(2);
    }
}
