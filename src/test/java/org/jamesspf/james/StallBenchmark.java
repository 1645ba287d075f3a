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
 * The load benchmark (README, "Under load and attack"): two real James 3.8.1 on loopback, each in a
 * JVM of its own (its CPU and heap are then James's alone), without the plugin and with it configured
 * as shipped (only its DNS servers point at a test responder). It measures:
 * <ol>
 *   <li>James's CPU per SMTP transaction, plain and with the plugin, every transaction from a new
 *       client IP and a new sender (each evaluates both identities);</li>
 *   <li>James's CPU for a message of 100,000 header fields of distinct names, plain and with the plugin;</li>
 *   <li>legitimate traffic (8 clients back to back, each session from a new 10.x address and a new
 *       sender, whose DNS answers in 2 ms) while hostile senders, each from its own address on its own
 *       connection, each second a new local part (MAIL, RCPT, RSET), attack in one of these shapes: DNS that never
 *       answers (one domain, names under one zone, distinct registered domains), DNS that answers
 *       slowly (1.5 s per answer, an include chain to the 10-term limit: names under one zone, 40
 *       registered domains), records built to burn CPU (2,400 macros under a 225-octet domain),
 *       explanations built to fill memory; and a VERP client (one address, 1,000 messages a minute,
 *       each a new local part). Each attacked row is compared with the mean of the no-attack rows
 *       measured just before and just after it (the JIT keeps warming James through the run); at 128
 *       hostile senders each shape is measured {@code bench.repeats} times (3) and the median taken.</li>
 * </ol>
 * It prints the tables and fails when a legitimate message is refused (4xx counted apart) or not
 * delivered, or the VERP client is deferred. Properties: {@code bench.seconds} (per row, default 8),
 * {@code bench.legit} (legitimate clients, 8), {@code bench.hostile} (hostile senders per row, 128),
 * {@code bench.scales} (multiples of it for the never-answering and slow 40-domain shapes, "2,10"; at the
 * largest, plain James under the same attack too, as a reference: what serving that many more
 * sessions costs James itself),
 * {@code bench.costOnly} (only the CPU tables).
 */
public final class StallBenchmark {
    private static final int SECONDS = Integer.getInteger("bench.seconds", 8);
    private static final int LEGIT_CLIENTS = Integer.getInteger("bench.legit", 8);
    private static final int LEGIT_DELAY_MS = Integer.getInteger("bench.legitDelayMs", 2);
    private static final int HOSTILE = Integer.getInteger("bench.hostile", 128);
    private static final String SCALES = System.getProperty("bench.scales", "2,10");
    private static final int WARMUP_MS = 3000;
    private static final int REPEATS = Integer.getInteger("bench.repeats", 3);
    private static final int VERP_SECONDS = 65;
    private static final int COST_TRANSACTIONS = Integer.getInteger("bench.costTransactions", 3000);
    private static final int COST_ROUNDS = Integer.getInteger("bench.costRounds", 9);
    private static final int COST_WARMUP_ROUNDS = Integer.getInteger("bench.costWarmupRounds", 8);
    private static final int COST_MAX_WARMUP_ROUNDS = Integer.getInteger("bench.costMaxWarmupRounds", 60);
    private static final int COST_DOMAINS = 1000;
    private static final int HEADER_FIELDS = 100_000;
    private static final int SLOW_CHAIN = 9;
    private static final Duration SLOW_ANSWER = Duration.ofMillis(1500);
    private static final String CPU_DOMAIN = "x".repeat(60) + "." + "y".repeat(60) + "." + "z".repeat(60) + "." + "w".repeat(33)
        + ".cpu.test";

    private StallBenchmark() {
    }

    /** One attack: where hostile sender {@code i} sends from, as whom, and what it should get. */
    enum Shape {
        NEVER_ONE_DOMAIN("DNS never answers, one domain"),
        NEVER_ONE_ZONE("DNS never answers, names under one zone"),
        NEVER_REGISTERED("DNS never answers, distinct registered domains"),
        SLOW_ONE_ZONE("DNS answers in 1.5 s, include chain, names under one zone"),
        SLOW_40_DOMAINS("DNS answers in 1.5 s, include chain, 40 registered domains"),
        CPU("records built to burn CPU (2,400 macros)"),
        MEMORY("explanations built to fill memory");

        final String label;

        Shape(String label) {
            this.label = label;
        }

        String domain(int i) {
            switch (this) {
                case NEVER_ONE_DOMAIN:
                    return "stalled.test";
                case NEVER_ONE_ZONE:
                    return "s" + i + ".stalled-zone.test";
                case NEVER_REGISTERED:
                    return "stalled" + i + ".test";
                case SLOW_ONE_ZONE:
                    return "s" + i + ".slow-zone.test";
                case SLOW_40_DOMAINS:
                    return "slow" + (i % 40) + ".test";
                case CPU:
                    return CPU_DOMAIN;
                case MEMORY:
                    return "mem.test";
                default:
                    throw new AssertionError(this);
            }
        }
    }

    /** One row's measurements. */
    static final class Row {
        final String label;
        final int hostile;
        int sessions;
        double seconds;
        long[] sessionMicros;
        int legit4xx;
        int hostileSessions;
        int hostile4xx;
        int hostile5xx;
        long heapBefore;
        long heapAfter;
        final List<String> violations = new ArrayList<>();
        /** Per repeat: legitimate sessions/s under attack over the mean of the no-attack rows just before and after. */
        final List<Double> ratios = new ArrayList<>();
        /** The largest heap retained per hostile transaction over the repeats, or -1. */
        double heapPerHostile = -1;

        Row(String label, int hostile) {
            this.label = label;
            this.hostile = hostile;
        }

        double perSecond() {
            return sessions / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int maxHostile = HOSTILE * maxScale();
        TestDnsServer.Zone zone = zone(maxHostile);
        List<Row> rows = new ArrayList<>();
        try (TestDnsServer dns = TestDnsServer.start(zone);
             JamesProcess plain = JamesProcess.start("", dns.address());
             // The shipped defaults (james-conf/smtpserver.xml) but for the DNS servers.
             JamesProcess james = JamesProcess.start("<handler class=\"org.jamesspf.james.SpfHook\">"
                 // <checks></checks>: the shipped defaults, not the long wait JamesTestServer gives tests
                 + "<dns><servers><server>" + dns.address() + "</server></servers></dns><checks></checks>"
                 + System.getProperty("bench.handlerExtra", "") + "</handler>", dns.address())) {
            cost(plain, james);
            headerCost(plain, james);
            if (Boolean.getBoolean("bench.costOnly")) {
                System.exit(0);
            }
            warmUp(plain);
            rows.add(run(plain, "plain James, no attack", null, 0));
            warmUp(james);
            rows.add(run(james, "plugin, no attack", null, 0));
            for (Shape shape : Shape.values()) {
                List<Integer> counts = new ArrayList<>(List.of(HOSTILE));
                if (shape == Shape.NEVER_REGISTERED || shape == Shape.SLOW_40_DOMAINS) {
                    for (String scale : SCALES.split(",")) {
                        if (!scale.isBlank()) {
                            counts.add(HOSTILE * Integer.parseInt(scale.trim()));
                        }
                    }
                }
                for (int count : counts) {
                    rows.add(bracketed(james, shape.label, shape, count, count == HOSTILE ? REPEATS : 1));
                    if (count > HOSTILE && count == HOSTILE * maxScale()) {
                        // what serving that many more sessions costs James itself, without any check
                        rows.add(bracketed(plain, "plain James under the same attack (reference)", shape, count, 1));
                    }
                }
            }
            rows.add(bracketed(james, "a VERP client, 1,000 messages a minute", null, -1, 1));
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
        System.out.println("every legitimate message delivered, none deferred; the VERP client never deferred");
        System.exit(0);
    }

    private static int maxScale() {
        int max = 1;
        for (String scale : SCALES.split(",")) {
            if (!scale.isBlank()) {
                max = Math.max(max, Integer.parseInt(scale.trim()));
            }
        }
        return max;
    }

    private static TestDnsServer.Zone zone(int maxHostile) {
        TestDnsServer.Zone zone = new TestDnsServer.Zone()
            .add(TestRecords.txt("legit.test", "v=spf1 ip4:10.0.0.0/8 -all"))
            .add(TestRecords.txt("mail.legit.test", "v=spf1 ip4:10.0.0.0/8 -all"))
            .add(TestRecords.txt("lists.test", "v=spf1 ip4:10.0.0.0/8 -all"))
            .delay("legit.test", Duration.ofMillis(LEGIT_DELAY_MS))
            .delay("mail.legit.test", Duration.ofMillis(LEGIT_DELAY_MS))
            .timeout("stalled.test")
            .add(TestRecords.txt(CPU_DOMAIN, "v=spf1 exists:%{l}" + "%{d}".repeat(2400) + " -all"))
            .add(TestRecords.txt("mem.test", "v=spf1 -all exp=why.mem.test"))
            .add(TestRecords.txt("why.mem.test", "%{l}" + "%{d}".repeat(2000)));
        for (int i = 0; i < COST_DOMAINS; i++) {
            zone.add(TestRecords.txt("d" + i + ".legit.test", "v=spf1 ip4:10.0.0.0/8 -all"));
        }
        for (int i = 0; i < maxHostile; i++) {
            zone.timeout("s" + i + ".stalled-zone.test").timeout("stalled" + i + ".test");
            slowChain(zone, "s" + i + ".slow-zone.test");
        }
        for (int j = 0; j < 40; j++) {
            slowChain(zone, "slow" + j + ".test");
        }
        return zone;
    }

    /** {@code name} and an include chain under it to the 10-term limit, every answer after 1.5 s. */
    private static void slowChain(TestDnsServer.Zone zone, String name) {
        String current = name;
        for (int k = 1; k <= SLOW_CHAIN; k++) {
            String next = "c" + k + "." + name;
            zone.add(TestRecords.txt(current, "v=spf1 include:" + next + " -all")).delay(current, SLOW_ANSWER);
            current = next;
        }
        zone.add(TestRecords.txt(current, "v=spf1 ?all")).delay(current, SLOW_ANSWER);
    }

    /**
     * James's own CPU per SMTP transaction (PROXY, EHLO, MAIL, RCPT, QUIT), each from a client IP
     * and a sender never seen before, so that every transaction evaluates both identities; plain
     * James and James with the plugin, measured in turns, as the James process's CPU time.
     */
    private static void cost(JamesProcess plain, JamesProcess james) throws Exception {
        AtomicInteger next = new AtomicInteger(1 << 16);
        // Warm-up, not measured: the JIT of both keeps compiling for tens of thousands of transactions, and
        // its CPU is James's too. At least COST_WARMUP_ROUNDS, then until three rounds in a row of each
        // compile for less than 2% of that round's CPU (at most COST_MAX_WARMUP_ROUNDS): the steady state a
        // running server is in, not the one-time cost of compiling more code.
        int warmup = 0;
        int settledRounds = 0;
        while (warmup < COST_WARMUP_ROUNDS || (settledRounds < 3 && warmup < COST_MAX_WARMUP_ROUNDS)) {
            boolean settled = true;
            for (JamesProcess p : List.of(plain, james)) {
                long jit = p.jitMillis();
                Duration before = p.cpu();
                transactions(p, COST_TRANSACTIONS, next);
                settled &= p.jitMillis() - jit < 0.02 * p.cpu().minus(before).toMillis();
            }
            settledRounds = settled ? settledRounds + 1 : 0;
            warmup++;
        }
        boolean settled = settledRounds >= 3;
        double[][] perTransaction = new double[2][COST_ROUNDS];
        double[] threadsPerTransaction = new double[2];
        long[] jitMillis = new long[2];
        for (int round = 0; round < COST_ROUNDS; round++) {
            for (int which = 0; which < 2; which++) {
                JamesProcess p = which == 0 ? plain : james;
                long threads = p.threadsStarted();
                long jit = p.jitMillis();
                Duration before = p.cpu();
                transactions(p, COST_TRANSACTIONS, next);
                perTransaction[which][round] = (p.cpu().minus(before).toNanos() / 1e6) / COST_TRANSACTIONS;
                threadsPerTransaction[which] += (double) (p.threadsStarted() - threads) / COST_TRANSACTIONS / COST_ROUNDS;
                jitMillis[which] += p.jitMillis() - jit;
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
            + " clients, each from a new client IP and a new sender, so each evaluates HELO and MAIL FROM), median of %d rounds"
            + " after %d warm-up rounds (%s):%n",
            COST_TRANSACTIONS, LEGIT_CLIENTS, COST_ROUNDS, warmup, settled ? "until the JIT settled" : "the JIT still compiling");
        System.out.println("| James | CPU per transaction (rounds) | median | threads started per transaction | JIT during the rounds |");
        System.out.println("|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| plain | %s | %.3f ms | %.3f | %d ms |%n", rounds(perTransaction[0]), plainMs, threadsPerTransaction[0],
            jitMillis[0]);
        System.out.printf(Locale.ROOT, "| with the plugin | %s | %.3f ms | %.3f | %d ms |%n", rounds(perTransaction[1]), pluginMs,
            threadsPerTransaction[1], jitMillis[1]);
        System.out.printf(Locale.ROOT, "plugin adds %+.0f%% to James's CPU per transaction (medians; per round, plugin / plain: %s,"
            + " median %+.0f%%; target: at most +25%%)%n%n", 100 * (pluginMs / plainMs - 1), rounds(ratios), 100 * (median(ratios) - 1));
    }

    /** James's CPU for a message of 100,000 header fields of distinct names, plain and with the plugin. */
    private static void headerCost(JamesProcess plain, JamesProcess james) throws Exception {
        StringBuilder message = new StringBuilder(HEADER_FIELDS * 24);
        for (int i = 0; i < HEADER_FIELDS; i++) {
            message.append("X-Field-").append(i).append(": value ").append(i).append("\r\n");
        }
        message.append("Subject: many fields\r\n\r\nhello");
        String text = message.toString();
        int rounds = Integer.getInteger("bench.headerRounds", 9);
        double[][] millis = new double[2][rounds];
        long[] jitMillis = new long[2];
        for (int round = -3; round < rounds; round++) {
            for (int which = 0; which < 2; which++) {
                JamesProcess p = which == 0 ? plain : james;
                long accepted = p.accepted();
                long jit = p.jitMillis();
                Duration before = p.cpu();
                try (SmtpClient smtp = SmtpClient.connect(p.smtpPort(), "10.77.0." + (1 + which))) {
                    smtp.command("EHLO mail.legit.test");
                    smtp.command("MAIL FROM:<fields@legit.test>");
                    smtp.command("RCPT TO:<bob@receiver.test>");
                    String reply = smtp.data(text);
                    if (!reply.startsWith("250")) {
                        throw new IllegalStateException("100,000 fields refused: " + reply);
                    }
                }
                waitForDelivered(p, accepted + 1);
                if (round >= 0) {
                    millis[which][round] = p.cpu().minus(before).toNanos() / 1e6;
                    jitMillis[which] += p.jitMillis() - jit;
                }
            }
        }
        System.out.printf(Locale.ROOT, "James's CPU for one message of %,d header fields of distinct names (%.1f MB), received and"
            + " delivered, median of %d:%n", HEADER_FIELDS, text.length() / 1e6, rounds);
        System.out.println("| James | CPU per message (rounds) | median | JIT during the rounds |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| plain | %s | %.0f ms | %d ms |%n", rounds(millis[0]), median(millis[0]), jitMillis[0]);
        System.out.printf(Locale.ROOT, "| with the plugin | %s | %.0f ms | %d ms |%n", rounds(millis[1]), median(millis[1]), jitMillis[1]);
        System.out.printf(Locale.ROOT, "plugin / plain: %.2f (target: at most 1.2)%n%n", median(millis[1]) / median(millis[0]));
    }

    private static String rounds(double[] values) {
        List<String> parts = new ArrayList<>();
        for (double v : values) {
            parts.add(String.format(Locale.ROOT, v >= 10 ? "%.0f" : "%.3f", v));
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
        Row ignored = new Row("warm-up", 0);
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

    private static final AtomicInteger LEGIT_NUMBERS = new AtomicInteger();

    /**
     * Legitimate traffic for {@link #SECONDS} while {@code hostile} senders of {@code shape} attack
     * ({@code hostile} -1: the VERP client instead).
     */
    /**
     * The attack row {@code repeats} times, each between two no-attack rows (B A B A B ...): each
     * repeat's ratio is its legitimate sessions/s over the mean of the rows around it, so that a drift
     * of the machine (the JIT, the other processes on these cores) during the row counts for neither.
     */
    private static Row bracketed(JamesProcess james, String label, Shape shape, int hostile, int repeats) throws Exception {
        Row combined = new Row(label, Math.max(0, hostile));
        List<long[]> micros = new ArrayList<>();
        Row before = run(james, "no attack (around)", null, 0);
        for (int i = 0; i < repeats; i++) {
            Row attacked = run(james, label, shape, hostile);
            Row after = run(james, "no attack (around)", null, 0);
            combined.ratios.add(attacked.perSecond() / ((before.perSecond() + after.perSecond()) / 2));
            combined.sessions += attacked.sessions;
            combined.seconds += attacked.seconds;
            micros.add(attacked.sessionMicros);
            combined.legit4xx += attacked.legit4xx;
            combined.hostileSessions += attacked.hostileSessions;
            combined.hostile4xx += attacked.hostile4xx;
            combined.hostile5xx += attacked.hostile5xx;
            if (attacked.heapAfter != 0 && attacked.hostileSessions > 0) {
                combined.heapPerHostile = Math.max(combined.heapPerHostile,
                    (double) (attacked.heapAfter - attacked.heapBefore) / attacked.hostileSessions);
            }
            combined.violations.addAll(attacked.violations);
            combined.violations.addAll(after.violations);
            before = after;
        }
        combined.sessionMicros = micros.stream().flatMapToLong(java.util.Arrays::stream).sorted().toArray();
        return combined;
    }

    private static Row run(JamesProcess james, String label, Shape shape, int hostile) throws Exception {
        Row row = new Row(label, Math.max(0, hostile));
        int port = james.smtpPort();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger hostileSessions = new AtomicInteger();
        AtomicInteger hostile4xx = new AtomicInteger();
        AtomicInteger hostile5xx = new AtomicInteger();
        ExecutorService pool = Executors.newCachedThreadPool();
        row.heapBefore = shape == null ? 0 : james.heapAfterGc();
        for (int i = 0; shape != null && i < hostile; i++) {
            int sender = i;
            String ip = "172.16." + (i / 200) + "." + (1 + i % 200);
            pool.execute(() -> hostileSender(port, ip, shape, sender, stop, hostileSessions, hostile4xx, hostile5xx));
        }
        if (hostile < 0) {
            pool.execute(() -> verpClient(port, stop, row, hostileSessions));
        }
        Thread.sleep(shape != null || hostile < 0 ? WARMUP_MS : 500);
        long acceptedBefore = james.accepted();
        AtomicBoolean measuring = new AtomicBoolean(true);
        List<Future<List<long[]>>> legit = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < LEGIT_CLIENTS; c++) {
            legit.add(pool.submit(() -> legitSender(port, LEGIT_NUMBERS, measuring, row)));
        }
        // the VERP client for over a minute: past every per-minute budget
        Thread.sleep((hostile < 0 ? Math.max(SECONDS, VERP_SECONDS) : SECONDS) * 1000L);
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
        row.hostileSessions = hostileSessions.get();
        row.hostile4xx = hostile4xx.get();
        row.hostile5xx = hostile5xx.get();
        long delivered = waitForDelivered(james, acceptedBefore + row.sessions) - acceptedBefore;
        if (delivered < row.sessions) {
            row.violations.add(row.sessions + " legitimate messages accepted, " + delivered + " delivered");
        }
        if (shape != null) {
            row.heapAfter = james.heapAfterGc();
            if (row.hostileSessions == 0) {
                row.violations.add("no hostile session got a reply");
            }
        }
        System.out.printf(Locale.ROOT, "%-64s done: %d legit sessions (%d deferred), %d hostile sessions%n", row.label
            + (shape == null ? "" : " x" + hostile), row.sessions, row.legit4xx, row.hostileSessions);
        return row;
    }

    private static long waitForDelivered(JamesProcess james, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long count = james.accepted();
        while (count < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
            count = james.accepted();
        }
        return count;
    }

    /** Legitimate sessions back to back, each from its own 10.x address and a new sender; {session} times in microseconds. */
    private static List<long[]> legitSender(int port, AtomicInteger next, AtomicBoolean measuring, Row row) {
        List<long[]> samples = new ArrayList<>();
        while (measuring.get()) {
            int n = next.incrementAndGet();
            String ip = "10." + (1 + ((n >> 16) & 0x7F)) + "." + ((n >> 8) & 0xFF) + "." + (n & 0xFF);
            long t0 = System.nanoTime();
            try (SmtpClient smtp = SmtpClient.connect(port, ip)) {
                smtp.command("EHLO mail.legit.test");
                String mail = smtp.command("MAIL FROM:<user" + n + "@legit.test>");
                String rcpt = smtp.command("RCPT TO:<bob@receiver.test>");
                String data = rcpt.startsWith("250") ? smtp.data("Subject: legit " + n + "\r\n\r\nhello") : "";
                smtp.command("QUIT");
                if (!mail.startsWith("250") || !rcpt.startsWith("250") || !data.startsWith("250")) {
                    synchronized (row) {
                        if (rcpt.startsWith("4") || mail.startsWith("4") || data.startsWith("4")) {
                            row.legit4xx++;
                        }
                        row.violations.add("legitimate session " + n + " refused: " + mail + " / " + rcpt + " / " + data);
                    }
                } else {
                    samples.add(new long[] {(System.nanoTime() - t0) / 1000});
                }
            } catch (Exception e) {
                synchronized (row) {
                    row.violations.add("legitimate session " + n + " failed: " + e);
                }
            }
        }
        return samples;
    }

    /**
     * A hostile sender: one connection, a new local part each second (MAIL, RCPT, RSET), a new
     * connection when James closes it (the connection's check budget).
     */
    private static void hostileSender(int port, String ip, Shape shape, int i, AtomicBoolean stop, AtomicInteger sessions,
                                      AtomicInteger deferred, AtomicInteger refused) {
        int attempt = 0;
        while (!stop.get()) {
            try (SmtpClient smtp = SmtpClient.connect(port, ip)) {
                smtp.command("EHLO h" + i + ".hostile.test");
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    smtp.command("MAIL FROM:<x" + i + "-" + attempt++ + "@" + shape.domain(i) + ">");
                    String rcpt = smtp.command("RCPT TO:<bob@receiver.test>");
                    sessions.incrementAndGet();
                    if (rcpt.startsWith("4")) {
                        deferred.incrementAndGet();
                    } else if (rcpt.startsWith("5")) {
                        refused.incrementAndGet();
                    }
                    if (rcpt.startsWith("421")) {
                        break; // James closes the connection
                    }
                    smtp.command("RSET");
                    long left = TimeUnit.SECONDS.toMillis(1) - (System.nanoTime() - t0) / 1_000_000;
                    if (left > 0 && !stop.get()) {
                        Thread.sleep(left);
                    }
                }
            } catch (IOException e) {
                // James may close on us: a new connection goes on
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * One client address on one connection, a message every 60 ms (1,000 a minute), each from a new VERP
     * local part; counts them in {@code messages}; any 4xx or 5xx is a violation.
     */
    private static void verpClient(int port, AtomicBoolean stop, Row row, AtomicInteger messages) {
        int n = 0;
        try (SmtpClient smtp = SmtpClient.connect(port, "10.200.0.1")) {
            smtp.command("EHLO lists.test");
            while (!stop.get()) {
                long t0 = System.nanoTime();
                smtp.command("MAIL FROM:<bounce-" + n++ + "-bob=example.org@lists.test>");
                String rcpt = smtp.command("RCPT TO:<bob@receiver.test>");
                if (!rcpt.startsWith("250")) {
                    synchronized (row) {
                        row.violations.add("VERP message " + n + " not accepted: " + rcpt);
                    }
                }
                smtp.command("RSET");
                messages.incrementAndGet();
                long left = 60 - (System.nanoTime() - t0) / 1_000_000;
                if (left > 0) {
                    Thread.sleep(left);
                }
            }
        } catch (Exception e) {
            synchronized (row) {
                row.violations.add("VERP client failed: " + e);
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
        System.out.println();
        System.out.println("| attack | hostile senders | legit sessions/s | vs no attack around (median of repeats: each) | legit deferred (4xx)"
            + " | legit session p99 | hostile transactions, or the VERP messages (4xx / 5xx) | heap retained per hostile transaction (largest) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            String heap = r.heapPerHostile < 0 ? "-" : String.format(Locale.ROOT, "%.0f bytes", r.heapPerHostile);
            String ratio = "-";
            if (!r.ratios.isEmpty()) {
                double[] each = r.ratios.stream().mapToDouble(Double::doubleValue).toArray();
                List<String> parts = new ArrayList<>();
                for (double e : each) {
                    parts.add(String.format(Locale.ROOT, "%.0f%%", 100 * e));
                }
                ratio = String.format(Locale.ROOT, "%.0f%%", 100 * median(each)) + (each.length > 1 ? " (" + String.join(" / ", parts) + ")" : "");
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %s | %d | %.1f ms | %s | %s |%n", r.label, r.hostile == 0 ? "-" : r.hostile,
                r.perSecond(), ratio, r.legit4xx, percentile(r.sessionMicros, 0.99) / 1000.0,
                r.hostileSessions == 0 ? "-" : r.hostileSessions + " (" + r.hostile4xx + " / " + r.hostile5xx + ")", heap);
        }
        Row plain = rows.get(0);
        Row plugin = rows.get(1);
        System.out.printf(Locale.ROOT, "%nplugin without attack: %.1f%% of plain James's sessions/s%n", 100 * plugin.perSecond() / plain.perSecond());
    }
}
