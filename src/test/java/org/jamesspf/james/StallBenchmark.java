package org.jamesspf.james;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.dns.TestRecords;

/**
 * Issue 9's load benchmark (README, "Performance"): a real James 3.8.1 on loopback with the plugin
 * configured as shipped (only its DNS servers point at a test responder), legitimate senders
 * (SPF pass, fast DNS) connecting back to back while N "stalled" senders, whose SPF lookups
 * never answer, stay connected and retry. Prints one table; fails when a legitimate message is
 * refused or lost, or a stalled sender gets anything but 4xx.
 *
 * <p>Shapes: {@code shared} (all stalled senders use one domain), {@code zone} (each its own
 * subdomain of one stalled zone), {@code registered} (each its own registered domain).
 * System properties: {@code bench.seconds} (measured per row, default 8), {@code bench.legit}
 * (concurrent legitimate clients, default 8), {@code bench.legitDelayMs} (DNS delay of the
 * legitimate domain, default 2).
 */
public final class StallBenchmark {
    private static final int SECONDS = Integer.getInteger("bench.seconds", 8);
    private static final int LEGIT_CLIENTS = Integer.getInteger("bench.legit", 8);
    private static final int LEGIT_DELAY_MS = Integer.getInteger("bench.legitDelayMs", 2);
    private static final int WARMUP_MS = 3000;
    private static final int[] STALLED = {0, 4, 16, 64};
    private static final String[] SHAPES = {"shared", "zone", "registered"};
    private static final int COST_TRANSACTIONS = Integer.getInteger("bench.costTransactions", 3000);
    private static final int COST_ROUNDS = Integer.getInteger("bench.costRounds", 5);
    private static final int COST_DOMAINS = 1000;
    private static final int COST_WARMUP_ROUNDS = Integer.getInteger("bench.costWarmupRounds", 8);

    private StallBenchmark() {
    }

    /** One row's measurements. */
    static final class Row {
        final String label;
        int sessions;
        double seconds;
        long[] sessionMicros;
        long[] mailMicros;
        long[] rcptMicros;
        int stalledReplies;
        final List<String> violations = new ArrayList<>();
        /** The no-stall row measured just before this one, when there is one. */
        Row neighbour;

        Row(String label) {
            this.label = label;
        }

        double perSecond() {
            return sessions / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        TestDnsServer.Zone zone = new TestDnsServer.Zone()
            .add(TestRecords.txt("legit.test", "v=spf1 ip4:10.0.0.0/8 -all"))
            .add(TestRecords.txt("mail.legit.test", "v=spf1 ip4:10.0.0.0/8 -all"))
            .delay("legit.test", Duration.ofMillis(LEGIT_DELAY_MS))
            .delay("mail.legit.test", Duration.ofMillis(LEGIT_DELAY_MS))
            .timeout("stalled.test");
        for (int i = 0; i < COST_DOMAINS; i++) {
            zone.add(TestRecords.txt("d" + i + ".legit.test", "v=spf1 ip4:10.0.0.0/8 -all"));
        }
        for (int i = 0; i < 64; i++) {
            zone.timeout("s" + i + ".stalled-zone.test").timeout("stalled" + i + ".test");
        }
        List<Row> rows = new ArrayList<>();
        try (TestDnsServer dns = TestDnsServer.start(zone);
             JamesProcess plain = JamesProcess.start("", dns.address());
             // The shipped defaults (james-conf/smtpserver.xml) but for the DNS servers.
             JamesProcess james = JamesProcess.start("<handler class=\"org.jamesspf.james.SpfHook\">"
                 // <checks></checks>: the shipped defaults, not the long wait JamesTestServer gives tests
                 + "<dns><servers><server>" + dns.address() + "</server></servers></dns><checks></checks>"
                 + System.getProperty("bench.handlerExtra", "") + "</handler>", dns.address())) {
            cost(plain, james);
            if (Boolean.getBoolean("bench.costOnly")) {
                System.exit(0);
            }
            warmUp(plain);
            rows.add(run(plain, "no plugin", 0, "shared"));
            warmUp(james);
            rows.add(run(james, "plugin", 0, "shared"));
            for (String shape : SHAPES) {
                for (int stalled : STALLED) {
                    if (stalled > 0) {
                        // the JIT keeps warming through the run: each stalled row is compared with a
                        // no-stall row measured just before it
                        Row before = run(james, "plugin, just before", 0, "shared");
                        Row row = run(james, "plugin, " + shape, stalled, shape);
                        row.neighbour = before;
                        rows.add(row);
                    }
                }
            }
            // the no-stall row again, now that the JIT has seen everything: the fairer baseline
            rows.add(run(james, "plugin, again", 0, "shared"));
        }
        print(rows);
        List<String> violations = new ArrayList<>();
        for (Row row : rows) {
            for (String v : row.violations) {
                violations.add(row.label + " / " + v);
            }
        }
        if (!violations.isEmpty()) {
            System.out.println("FAILED: " + violations.size() + " violations, first: " + violations.subList(0, Math.min(5, violations.size())));
            System.exit(1);
        }
        System.out.println("every legitimate message delivered; every stalled sender got 4xx");
        System.exit(0);
    }

    /**
     * James's own CPU per SMTP transaction (PROXY, EHLO, MAIL, RCPT, QUIT), each from a client IP
     * and a sender never seen before, so that every transaction evaluates both identities; plain
     * James and James with the plugin, measured in turns, as the James process's CPU time.
     */
    private static void cost(JamesProcess plain, JamesProcess james) throws Exception {
        AtomicInteger next = new AtomicInteger(1 << 16);
        // warm-up, not measured: the JIT of both keeps improving for tens of thousands of transactions
        for (int round = 0; round < COST_WARMUP_ROUNDS; round++) {
            transactions(plain, COST_TRANSACTIONS, next);
            transactions(james, COST_TRANSACTIONS, next);
        }
        double[][] perTransaction = new double[2][COST_ROUNDS];
        double[] threadsPerTransaction = new double[2];
        for (int round = 0; round < COST_ROUNDS; round++) {
            for (int which = 0; which < 2; which++) {
                JamesProcess p = which == 0 ? plain : james;
                long threads = p.threadsStarted();
                Duration before = p.cpu();
                transactions(p, COST_TRANSACTIONS, next);
                perTransaction[which][round] = (p.cpu().minus(before).toNanos() / 1e6) / COST_TRANSACTIONS;
                threadsPerTransaction[which] += (double) (p.threadsStarted() - threads) / COST_TRANSACTIONS / COST_ROUNDS;
            }
        }
        double plainMs = median(perTransaction[0]);
        double pluginMs = median(perTransaction[1]);
        double[] ratios = new double[COST_ROUNDS];
        for (int round = 0; round < COST_ROUNDS; round++) {
            ratios[round] = perTransaction[1][round] / perTransaction[0][round];
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "James's CPU per SMTP transaction (PROXY, EHLO, MAIL, RCPT, QUIT; %d transactions per round from %d"
            + " clients, each from a new client IP and a new sender, so each evaluates HELO and MAIL FROM), median of %d rounds:%n",
            COST_TRANSACTIONS, LEGIT_CLIENTS, COST_ROUNDS);
        System.out.println("| James | CPU per transaction (rounds) | median | threads started per transaction |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| plain | %s | %.3f ms | %.3f |%n", rounds(perTransaction[0]), plainMs, threadsPerTransaction[0]);
        System.out.printf(Locale.ROOT, "| with the plugin | %s | %.3f ms | %.3f |%n", rounds(perTransaction[1]), pluginMs,
            threadsPerTransaction[1]);
        System.out.printf(Locale.ROOT, "plugin adds %+.0f%% to James's CPU per transaction (medians; per round, plugin / plain: %s,"
            + " median %+.0f%%; target: at most +25%%)%n%n", 100 * (pluginMs / plainMs - 1), rounds(ratios), 100 * (median(ratios) - 1));
    }

    private static String rounds(double[] values) {
        List<String> parts = new ArrayList<>();
        for (double v : values) {
            parts.add(String.format(Locale.ROOT, "%.3f", v));
        }
        return String.join(" / ", parts);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** {@code count} transactions without DATA, from {@link #LEGIT_CLIENTS} clients; each must be accepted. */
    private static void transactions(JamesProcess james, int count, AtomicInteger next) throws Exception {
        AtomicInteger left = new AtomicInteger(count);
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(LEGIT_CLIENTS);
        for (int c = 0; c < LEGIT_CLIENTS; c++) {
            pool.execute(() -> {
                while (left.decrementAndGet() >= 0) {
                    int n = next.incrementAndGet();
                    String ip = "10." + ((n >> 16) & 0xFF) + "." + ((n >> 8) & 0xFF) + "." + (n & 0xFF);
                    try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), ip)) {
                        smtp.command("EHLO mail.legit.test");
                        String mail = smtp.command("MAIL FROM:<u" + n + "@d" + (n % COST_DOMAINS) + ".legit.test>");
                        String rcpt = smtp.command("RCPT TO:<bob@receiver.test>");
                        smtp.command("QUIT");
                        if (!mail.startsWith("250") || !rcpt.startsWith("250")) {
                            problems.add(mail + " / " + rcpt);
                        }
                    } catch (IOException e) {
                        problems.add(e.toString());
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(problems.size() + " transactions not accepted, first: " + problems.get(0));
        }
    }

    /** Legitimate traffic, unmeasured, until the JIT has compiled James's and the plugin's hot paths. */
    private static void warmUp(JamesProcess james) throws Exception {
        int seconds = 2 * SECONDS;
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Future<List<long[]>>> clients = new ArrayList<>();
        AtomicInteger next = new AtomicInteger(1 << 20);
        List<String> ignored = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < LEGIT_CLIENTS; c++) {
            clients.add(pool.submit(() -> legitSender(james.smtpPort(), next, running, ignored)));
        }
        Thread.sleep(seconds * 1000L);
        running.set(false);
        for (Future<List<long[]>> f : clients) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        System.out.printf(Locale.ROOT, "warm-up: %d s of legitimate traffic, not measured%n", seconds);
    }

    private static String stalledDomain(String shape, int i) {
        switch (shape) {
            case "shared":
                return "stalled.test";
            case "zone":
                return "s" + i + ".stalled-zone.test";
            case "registered":
                return "stalled" + i + ".test";
            default:
                throw new IllegalArgumentException(shape);
        }
    }

    private static Row run(JamesProcess james, String label, int stalled, String shape) throws Exception {
        Row row = new Row(label + " " + stalled);
        int port = james.smtpPort();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger stalledReplies = new AtomicInteger();
        ExecutorService pool = Executors.newCachedThreadPool();
        List<String> violations = java.util.Collections.synchronizedList(row.violations);
        for (int i = 0; i < stalled; i++) {
            String domain = stalledDomain(shape, i);
            String ip = "172.16." + (i / 200) + "." + (1 + i % 200);
            pool.execute(() -> stalledSender(port, ip, domain, stop, stalledReplies, violations));
        }
        Thread.sleep(stalled > 0 ? WARMUP_MS : 500);
        long acceptedBefore = james.accepted();
        AtomicBoolean measuring = new AtomicBoolean(true);
        List<Future<List<long[]>>> legit = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        for (int c = 0; c < LEGIT_CLIENTS; c++) {
            legit.add(pool.submit(() -> legitSender(port, next, measuring, violations)));
        }
        Thread.sleep(SECONDS * 1000L);
        measuring.set(false);
        List<long[]> samples = new ArrayList<>();
        for (Future<List<long[]>> f : legit) {
            samples.addAll(f.get(120, TimeUnit.SECONDS));
        }
        row.seconds = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        row.sessions = samples.size();
        row.sessionMicros = samples.stream().mapToLong(s -> s[0]).sorted().toArray();
        row.mailMicros = samples.stream().mapToLong(s -> s[1]).sorted().toArray();
        row.rcptMicros = samples.stream().mapToLong(s -> s[2]).sorted().toArray();
        row.stalledReplies = stalledReplies.get();
        long delivered = waitForDelivered(james, acceptedBefore + row.sessions) - acceptedBefore;
        if (delivered != row.sessions) {
            violations.add(row.sessions + " legitimate messages accepted, " + delivered + " delivered");
        }
        if (stalled > 0 && row.stalledReplies == 0) {
            violations.add("no stalled sender got a reply");
        }
        System.out.printf(Locale.ROOT, "%-26s done: %d sessions, %d stalled replies%n", row.label, row.sessions, row.stalledReplies);
        return row;
    }

    private static long waitForDelivered(JamesProcess james, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long count = james.accepted();
        while (count < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
            count = james.accepted();
        }
        return count;
    }

    /** Legitimate sessions back to back, each from its own 10.x address; {session, MAIL, RCPT} times in microseconds. */
    private static List<long[]> legitSender(int port, AtomicInteger next, AtomicBoolean measuring, List<String> violations) {
        List<long[]> samples = new ArrayList<>();
        while (measuring.get()) {
            int n = next.incrementAndGet();
            String ip = "10." + ((n >> 16) & 0xFF) + "." + ((n >> 8) & 0xFF) + "." + (n & 0xFF);
            long t0 = System.nanoTime();
            try (SmtpClient smtp = SmtpClient.connect(port, ip)) {
                smtp.command("EHLO mail.legit.test");
                long t1 = System.nanoTime();
                String mail = smtp.command("MAIL FROM:<user" + n + "@legit.test>");
                long t2 = System.nanoTime();
                String rcpt = smtp.command("RCPT TO:<bob@receiver.test>");
                long t3 = System.nanoTime();
                String data = rcpt.startsWith("250") ? smtp.data("Subject: legit " + n + "\r\n\r\nhello") : "";
                smtp.command("QUIT");
                long t4 = System.nanoTime();
                if (!mail.startsWith("250") || !rcpt.startsWith("250") || !data.startsWith("250")) {
                    violations.add("legitimate session " + n + " refused: " + mail + " / " + rcpt + " / " + data);
                }
                samples.add(new long[] {(t4 - t0) / 1000, (t2 - t1) / 1000, (t3 - t2) / 1000});
            } catch (Exception e) {
                violations.add("legitimate session " + n + " failed: " + e);
            }
        }
        return samples;
    }

    /** A stalled sender: one connection, MAIL and RCPT again and again (RSET between); every RCPT must be 4xx. */
    private static void stalledSender(int port, String ip, String domain, AtomicBoolean stop, AtomicInteger replies,
                                      List<String> violations) {
        while (!stop.get()) {
            try (SmtpClient smtp = SmtpClient.connect(port, ip)) {
                smtp.command("EHLO h.nx.test");
                while (!stop.get()) {
                    smtp.command("MAIL FROM:<x@" + domain + ">");
                    String rcpt = smtp.command("RCPT TO:<bob@receiver.test>");
                    // without the plugin (never run with stalled senders) this would be 250
                    if (!rcpt.startsWith("4")) {
                        violations.add("stalled sender " + ip + " got " + rcpt);
                    }
                    replies.incrementAndGet();
                    smtp.command("RSET");
                    // a client that retries at once, again and again (real MTAs wait minutes)
                    Thread.sleep(1000);
                }
            } catch (Exception e) {
                if (!stop.get()) {
                    violations.add("stalled sender " + ip + " failed: " + e);
                }
            }
        }
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static void print(List<Row> rows) {
        // the better of the two no-stall rows is the baseline: the earlier one may still be warming up
        double base = Math.max(rows.get(1).perSecond(), rows.get(rows.size() - 1).perSecond());
        System.out.println();
        System.out.println("| James | stalled | legit sessions/s | vs no stall just before | session p50 | session p99 | MAIL p50 | MAIL p99 | RCPT p50 | RCPT p99 | stalled 4xx |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            String[] parts = r.label.split(" (?=\\d+$)");
            double reference = r.neighbour != null ? r.neighbour.perSecond() : base;
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %s | %.1f ms | %.1f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %d |%n",
                parts[0], parts[1], r.perSecond(), r.label.startsWith("no plugin") ? "-"
                    : String.format(Locale.ROOT, "%.0f%%", 100 * r.perSecond() / reference),
                percentile(r.sessionMicros, 0.5) / 1000.0, percentile(r.sessionMicros, 0.99) / 1000.0,
                percentile(r.mailMicros, 0.5) / 1000.0, percentile(r.mailMicros, 0.99) / 1000.0,
                percentile(r.rcptMicros, 0.5) / 1000.0, percentile(r.rcptMicros, 0.99) / 1000.0, r.stalledReplies);
        }
        Row plain = rows.get(0);
        Row plugin = rows.get(1);
        System.out.printf(Locale.ROOT, "%nplugin without stall: %.1f%% of plain James's sessions/s; MAIL p50 +%.2f ms, RCPT p50 +%.2f ms%n",
            100 * plugin.perSecond() / plain.perSecond(),
            (percentile(plugin.mailMicros, 0.5) - percentile(plain.mailMicros, 0.5)) / 1000.0,
            (percentile(plugin.rcptMicros, 0.5) - percentile(plain.rcptMicros, 0.5)) / 1000.0);
    }
}
