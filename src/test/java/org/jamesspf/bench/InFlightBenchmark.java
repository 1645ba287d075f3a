package org.jamesspf.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.dns.TestRecords;
import org.jamesspf.dns.dnsjava.LookupSessionSpfDns;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.EngineThreads;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.dns.InMemoryZone;

/**
 * README "Performance": {@code mvn -Pbench-inflight test-compile exec:exec}. Issue 16's figures:
 * <ol>
 *   <li>10,000 evaluations in flight at once against a DNS server answering every query after 1.5 s
 *       (over real UDP; the server runs in its own JVM so that its memory is not counted), each
 *       evaluation a sender never seen before with an include chain (no resolver cache): engine
 *       threads, heap per evaluation in flight, sockets open, and the results against sequential
 *       evaluation of the same data;</li>
 *   <li>CPU per check of records built to burn it (2,400 and 16,000 macros under a 225-octet domain),
 *       measured as the thread's CPU time over many checks.</li>
 * </ol>
 * Fails when a result differs, or a figure passes its target (8 KB per evaluation in flight,
 * 2 x cores threads, 1 ms of CPU per hostile check).
 */
public final class InFlightBenchmark {
    private static final int EVALUATIONS = Integer.getInteger("bench.evaluations", 10_000);
    private static final int DELAY_MS = Integer.getInteger("bench.delayMs", 1500);
    private static final int PROVIDERS = 100;

    private InFlightBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("server")) {
            serve();
            return;
        }
        List<String> failures = new ArrayList<>();
        inFlight(failures);
        hostileRecords(failures);
        if (!failures.isEmpty()) {
            System.out.println("FAILED: " + failures);
            System.exit(1);
        }
        System.exit(0);
    }

    /** Sender i: its record includes a provider's, which names an address; the client is in it for even i. */
    private static TestDnsServer.Zone zone() {
        TestDnsServer.Zone zone = new TestDnsServer.Zone().delayAll(Duration.ofMillis(DELAY_MS));
        for (int p = 0; p < PROVIDERS; p++) {
            zone.add(TestRecords.txt("p" + p + ".provider.example", "v=spf1 a:out" + p + ".provider.example ~all"))
                .add(TestRecords.a("out" + p + ".provider.example", "198.51.100." + p));
        }
        for (int i = 0; i < EVALUATIONS; i++) {
            zone.add(TestRecords.txt("d" + i + ".example", "v=spf1 include:p" + (i % PROVIDERS) + ".provider.example -all"));
        }
        return zone;
    }

    private static InMemoryZone memoryZone() {
        InMemoryZone.Builder zone = InMemoryZone.builder();
        for (int p = 0; p < PROVIDERS; p++) {
            zone.txt("p" + p + ".provider.example", "v=spf1 a:out" + p + ".provider.example ~all")
                .a("out" + p + ".provider.example", "198.51.100." + p);
        }
        for (int i = 0; i < EVALUATIONS; i++) {
            zone.txt("d" + i + ".example", "v=spf1 include:p" + (i % PROVIDERS) + ".provider.example -all");
        }
        return zone.build();
    }

    private static CheckRequest request(int i) {
        String ip = i % 2 == 0 ? "198.51.100." + (i % PROVIDERS) : "203.0.113." + (i % 250);
        return CheckRequest.mailFrom(IpAddress.parse(ip), "user" + i + "@d" + i + ".example", "h.example.org");
    }

    /** The server, in a JVM of its own: prints its port, serves until stdin closes. */
    private static void serve() throws Exception {
        try (TestDnsServer server = TestDnsServer.start(zone())) {
            System.out.println("port " + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the benchmark closes our stdin
            }
        }
    }

    private static void inFlight(List<String> failures) throws Exception {
        Process server = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile", ""),
            "-cp", System.getProperty("java.class.path"), InFlightBenchmark.class.getName(), "server")
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
            String line = out.readLine();
            while (line != null && !line.startsWith("port ")) {
                line = out.readLine(); // logging set-up lines, if any
            }
            if (line == null || !line.startsWith("port ")) {
                throw new IllegalStateException("DNS server did not start: " + line);
            }
            String address = "127.0.0.1:" + line.substring(5).trim();
            int threadCount = 2 * Runtime.getRuntime().availableProcessors();
            try (EngineThreads threads = EngineThreads.start("bench-engine", threadCount);
                 LookupSessionSpfDns dns = LookupSessionSpfDns.forServers(List.of(address), Duration.ofSeconds(10), false,
                     threads.executor(), 64)) {
                SpfChecker checker = SpfChecker.builder(dns).threads(threads).tracing(false).build();
                // warm-up: the transport, the JIT, the classes
                for (int i = 0; i < 20; i++) {
                    checker.checkHost(request(EVALUATIONS - 1 - i));
                }
                long heapBefore = usedHeapAfterGc();
                long socketsBefore = openSockets();
                int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
                long start = System.nanoTime();
                List<CompletableFuture<CheckOutcome>> outcomes = new ArrayList<>(EVALUATIONS);
                for (int i = 0; i < EVALUATIONS; i++) {
                    outcomes.add(checker.checkHostAsync(request(i)).toCompletableFuture());
                }
                double startedMs = (System.nanoTime() - start) / 1e6;
                // all started, none answered yet (the first answers come 1.5 s after the first query)
                long heapInFlight = usedHeapAfterGc();
                long sockets = openSockets() - socketsBefore;
                int threadsDuring = ManagementFactory.getThreadMXBean().getThreadCount();
                long notDone = outcomes.stream().filter(f -> !f.isDone()).count();
                double elapsedMs = (System.nanoTime() - start) / 1e6;
                CompletableFuture.allOf(outcomes.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.MINUTES);
                double allDoneMs = (System.nanoTime() - start) / 1e6;
                SpfChecker sequential = SpfChecker.builder(memoryZone()).tracing(false).build();
                int differ = 0;
                for (int i = 0; i < EVALUATIONS; i++) {
                    CheckOutcome got = outcomes.get(i).join();
                    CheckOutcome want = sequential.checkHost(request(i));
                    if (!got.equals(want)) {
                        if (differ++ < 5) {
                            System.out.println("DIFFERENT d" + i + ": " + got + " vs sequential " + want);
                        }
                    }
                }
                double perEvaluation = (double) (heapInFlight - heapBefore) / notDone;
                System.out.println();
                System.out.printf(Locale.ROOT, "DNS answering every query after %d ms over UDP (server in its own JVM), no resolver cache%n",
                    DELAY_MS);
                System.out.println("| evaluations started | in flight at the measure | engine threads | JVM threads (before / during) |"
                    + " heap per evaluation in flight | UDP sockets open | all done after | results as sequential |");
                System.out.println("|---|---|---|---|---|---|---|---|");
                System.out.printf(Locale.ROOT, "| %d in %.0f ms | %d (at %.0f ms) | %d | %d / %d | %.0f bytes | %d | %.1f s | %d of %d |%n",
                    EVALUATIONS, startedMs, notDone, elapsedMs, threadCount, threadsBefore, threadsDuring, perEvaluation, sockets,
                    allDoneMs / 1000, EVALUATIONS - differ, EVALUATIONS);
                if (differ > 0) {
                    failures.add(differ + " results differ from sequential evaluation");
                }
                if (notDone < EVALUATIONS * 9L / 10) {
                    failures.add("only " + notDone + " evaluations were in flight at the measure");
                }
                if (perEvaluation > 8192) {
                    failures.add(String.format(Locale.ROOT, "%.0f bytes per evaluation in flight (target 8 KB)", perEvaluation));
                }
                if (threadsDuring > threadsBefore) {
                    failures.add("threads grew from " + threadsBefore + " to " + threadsDuring);
                }
            }
        } finally {
            server.getOutputStream().close();
            server.waitFor(30, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
    }

    private static void hostileRecords(List<String> failures) {
        String domain = "x".repeat(60) + "." + "y".repeat(60) + "." + "z".repeat(60) + "." + "w".repeat(34) + ".example";
        InMemoryZone.Builder zone = InMemoryZone.builder()
            .txt(domain, "v=spf1 exists:" + "%{d}".repeat(2400) + " -all")
            .txt("why." + "e".repeat(40) + ".example", "%{d}".repeat(2000));
        List<String> strings = new ArrayList<>();
        String big = "v=spf1 exists:" + "%{d}".repeat(16_000) + " -all";
        for (int i = 0; i < big.length(); i += 255) {
            strings.add(big.substring(i, Math.min(big.length(), i + 255)));
        }
        String bigDomain = "b" + domain.substring(1);
        zone.txt(bigDomain, strings.toArray(new String[0]));
        String expDomain = "e" + domain.substring(1);
        zone.txt(expDomain, "v=spf1 -all exp=why." + "e".repeat(40) + ".example");
        SpfChecker checker = SpfChecker.builder(zone.build()).tracing(false).build();
        System.out.println();
        System.out.println("Records built to burn CPU or memory, under a " + domain.length() + "-octet domain (in-memory DNS):");
        System.out.println("| record | size | CPU per check | octets built by macros | explanation kept |");
        System.out.println("|---|---|---|---|---|");
        row(checker, "exists:%{d} x 2,400", "v=spf1 exists:".length() + 2400 * 4 + 5, domain, failures);
        row(checker, "exists:%{d} x 16,000 (64 KB)", big.length(), bigDomain, failures);
        row(checker, "-all exp= of %{d} x 2,000", 8000, expDomain, failures);
    }

    private static void row(SpfChecker checker, String label, int size, String domain, List<String> failures) {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        CheckRequest request = CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "a@" + domain, "h.example.org");
        for (int i = 0; i < 2000; i++) {
            checker.checkHost(request); // JIT
        }
        int rounds = 5000;
        long cpu = bean.getCurrentThreadCpuTime();
        CheckOutcome outcome = null;
        for (int i = 0; i < rounds; i++) {
            outcome = checker.checkHost(request);
        }
        double microsPerCheck = (bean.getCurrentThreadCpuTime() - cpu) / 1e3 / rounds;
        System.out.printf(Locale.ROOT, "| %s | %,d octets | %.1f us | %d | %d octets |%n", label, size, microsPerCheck, outcome.macroOctets(),
            outcome.explanation().length());
        if (microsPerCheck > 1000) {
            failures.add(label + ": " + microsPerCheck + " us of CPU per check");
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** Sockets among this process's open file descriptors (Linux /proc). */
    private static long openSockets() throws java.io.IOException {
        Path fdDir = Paths.get("/proc/self/fd");
        if (!Files.isDirectory(fdDir)) {
            return 0;
        }
        try (Stream<Path> fds = Files.list(fdDir)) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (java.io.IOException e) {
                    return false; // closed while listing
                }
            }).count();
        }
    }
}
