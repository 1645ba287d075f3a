package org.jamesspf.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.dns.TestRecords;
import org.jamesspf.dns.dnsjava.LookupSessionSpfDns;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.ForwardingDns;
import org.jamesspf.spf.dns.SpfDns;

/**
 * README "Performance": {@code mvn -Pbench-latency test-compile exec:java}. Every corpus query over
 * real UDP to the test DNS responder, each answer delayed by {@code bench.delayMs} (default 20),
 * evaluated sequentially and with fetch-ahead. Per shape and query kind (the first policy of each
 * shape): dependency depth, DNS terms, queries sent, wall time and wall / (depth x delay) for both;
 * then totals over the whole corpus. Fails when a result differs between the two.
 */
public final class LatencyBenchmark {
    private static final int DELAY_MS = Integer.getInteger("bench.delayMs", 20);

    private LatencyBenchmark() {
    }

    /** Counts dependency generations: a query sent after N answers in a chain is generation N+1. */
    static final class Generations extends ForwardingDns {
        private final AtomicInteger delivered = new AtomicInteger();
        final AtomicInteger deepest = new AtomicInteger();

        Generations(SpfDns dns) {
            super(dns);
        }

        @Override
        protected <T> CompletionStage<DnsAnswer<T>> around(String name, java.util.function.Supplier<CompletionStage<DnsAnswer<T>>> lookup) {
            int generation = delivered.get() + 1;
            deepest.accumulateAndGet(generation, Math::max);
            return lookup.get().whenComplete((a, e) -> delivered.accumulateAndGet(generation, Math::max));
        }
    }

    /** One evaluation's figures. */
    static final class Run {
        String result;
        int depth;
        int lookups;
        int queries;
        double millis;
    }

    public static void main(String[] args) throws Exception {
        Corpus corpus = Corpus.build();
        TestDnsServer.Zone zone = new TestDnsServer.Zone().delayAll(Duration.ofMillis(DELAY_MS));
        corpus.records.get("TXT").forEach((n, vs) -> vs.forEach(v -> zone.add(TestRecords.txt(n, v))));
        corpus.records.get("A").forEach((n, vs) -> vs.forEach(v -> zone.add(TestRecords.a(n, v))));
        corpus.records.get("AAAA").forEach((n, vs) -> vs.forEach(v -> zone.add(TestRecords.aaaa(n, v))));
        corpus.records.get("MX").forEach((n, vs) -> {
            for (int i = 0; i < vs.size(); i++) {
                zone.add(TestRecords.mx(n, 10 * (i + 1), vs.get(i)));
            }
        });
        corpus.records.get("PTR").forEach((ip, vs) -> vs.forEach(v -> zone.add(TestRecords.ptr(IpAddress.parse(ip).reverseName(), v))));
        int differ = 0;
        long seqQueries = 0;
        long aheadQueries = 0;
        double seqMillis = 0;
        double aheadMillis = 0;
        List<String> rows = new ArrayList<>();
        double worstRatio = 0;
        try (TestDnsServer server = TestDnsServer.start(zone);
             LookupSessionSpfDns resolver = LookupSessionSpfDns.forServers(List.of(server.address()), Duration.ofSeconds(2), false)) {
            // warm up the resolver and the JIT on one query of each shape, unmeasured
            for (int i = 0; i < 20; i++) {
                Corpus.Query q = corpus.queries.get(i);
                run(server, resolver, CheckRequest.mailFrom(IpAddress.parse(q.ip), q.sender, q.helo), i % 2 == 0);
            }
            for (int i = 0; i < corpus.queries.size(); i++) {
                Corpus.Query q = corpus.queries.get(i);
                CheckRequest request = CheckRequest.mailFrom(IpAddress.parse(q.ip), q.sender, q.helo);
                Run seq = run(server, resolver, request, false);
                Run ahead = run(server, resolver, request, true);
                if (!seq.result.equals(ahead.result)) {
                    differ++;
                    System.out.println("DIFFERENT: " + q + ": sequential " + seq.result + ", fetch-ahead " + ahead.result);
                }
                seqQueries += seq.queries;
                aheadQueries += ahead.queries;
                seqMillis += seq.millis;
                aheadMillis += ahead.millis;
                double ratio = ahead.millis / (Math.max(1, ahead.depth) * DELAY_MS);
                worstRatio = Math.max(worstRatio, ratio);
                if (q.sender.startsWith("user@d") && firstOfShape(q)) {
                    rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %d / %d | %.0f ms | %.0f ms | %.2f | %.2f |",
                        q.shape, q.kind, ahead.result, ahead.depth, ahead.lookups, seq.queries, ahead.queries, seq.millis, ahead.millis,
                        seq.millis / (Math.max(1, ahead.depth) * DELAY_MS), ratio));
                }
            }
        }
        System.out.println();
        System.out.println("DNS answers delayed " + DELAY_MS + " ms each, over UDP; the first policy of each shape:");
        System.out.println("| shape | client | result | depth | DNS terms | queries seq / ahead | wall seq | wall ahead | seq / (depth x delay) | ahead / (depth x delay) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "%nwhole corpus (%d queries): queries sent %d sequential, %d fetch-ahead (%.2fx); wall %.0f ms vs %.0f ms"
                + " (%.1fx faster); worst wall / (depth x delay) with fetch-ahead %.2f; results different: %d%n",
            corpus.queries.size(), seqQueries, aheadQueries, (double) aheadQueries / seqQueries, seqMillis, aheadMillis,
            seqMillis / aheadMillis, worstRatio, differ);
        System.exit(differ == 0 ? 0 : 1);
    }

    private static final Map<String, String> FIRST = new java.util.HashMap<>();

    /** Whether {@code q} is of the first policy of its shape (d0..d4). */
    private static boolean firstOfShape(Corpus.Query q) {
        String domain = q.sender.substring(q.sender.indexOf('@') + 1);
        return FIRST.computeIfAbsent(q.shape, s -> domain).equals(domain);
    }

    private static Run run(TestDnsServer server, LookupSessionSpfDns resolver, CheckRequest request, boolean fetchAhead) {
        {
            Generations dns = new Generations(resolver);
            SpfChecker checker = SpfChecker.builder(dns).fetchAhead(fetchAhead).tracing(false).build();
            int before = server.udpQueries() + server.tcpQueries();
            long start = System.nanoTime();
            CheckOutcome outcome = checker.checkHost(request);
            Run r = new Run();
            r.millis = (System.nanoTime() - start) / 1e6;
            r.result = outcome.result().token();
            r.lookups = outcome.dnsLookups();
            r.depth = dns.deepest.get();
            // answers still in flight (fetched ahead, never needed) count too: wait for them
            try {
                Thread.sleep(DELAY_MS * 2L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            r.queries = server.udpQueries() + server.tcpQueries() - before;
            return r;
        }
    }
}
