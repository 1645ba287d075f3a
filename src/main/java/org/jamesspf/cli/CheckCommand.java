package org.jamesspf.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code check}: one check with its explanation and trace, or a batch of JSON lines (the what-if tool). */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Evaluates SPF for a client IP and a sender (MAIL FROM) or a HELO name.",
        "With --batch, reads JSON lines {\"ip\": \"..\", \"sender\": \"..\", \"helo\": \"..\"} from standard input"
            + " (sender \"\" is the null sender) and writes one JSON line per input, in order."})
final class CheckCommand extends DnsCommand {
    /** Lines in flight in --batch mode: bounds memory while keeping the output in input order. */
    static final int BATCH_WINDOW = 512;

    @Option(names = "--ip", paramLabel = "IP", description = "The SMTP client's address (IPv4 or IPv6).")
    String ip;

    @Option(names = "--sender", paramLabel = "ADDR", description = "MAIL FROM address; \"\" is the null sender (checked as postmaster@HELO).")
    String sender;

    @Option(names = "--helo", paramLabel = "NAME", description = "HELO/EHLO name; without --sender, the HELO identity is checked.")
    String helo;

    @Option(names = "--trace", description = "Print each step: records fetched, terms evaluated, lookups, matches.")
    boolean trace;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--batch", description = "Read JSON lines from standard input; write one JSON line each.")
    boolean batch;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "8",
        description = "Checks run at once in --batch mode (default: ${DEFAULT-VALUE}).")
    int parallel;

    InputStream stdin = System.in;

    @Override
    Integer execute() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SpfChecker checker = dnsOptions.checker();
        if (batch) {
            if (ip != null || sender != null || helo != null) {
                throw new IllegalArgumentException("--batch takes its inputs from standard input, not --ip/--sender/--helo");
            }
            if (parallel < 1 || parallel > 256) {
                throw new IllegalArgumentException("--parallel must be between 1 and 256");
            }
            runBatch(checker, out);
            return 0;
        }
        if (ip == null) {
            throw new IllegalArgumentException("--ip is required (or use --batch)");
        }
        CheckRequest request = request(ip, sender, helo);
        CheckOutcome outcome = checker.checkHost(request);
        if (json) {
            out.println(Json.write(OutcomeFormat.toMap(outcome, trace)));
        } else {
            OutcomeFormat.printText(out, outcome, trace);
        }
        out.flush();
        return 0;
    }

    static CheckRequest request(String ip, String sender, String helo) {
        IpAddress address = IpAddress.parseOrNull(ip == null ? null : ip.trim());
        if (address == null) {
            throw new IllegalArgumentException("not an IP address: '" + ip + "'");
        }
        if (sender != null) {
            return CheckRequest.mailFrom(address, sender, helo == null ? "" : helo);
        }
        if (helo != null) {
            return CheckRequest.helo(address, helo);
        }
        throw new IllegalArgumentException("give a sender or a HELO name");
    }

    /**
     * Reads lines on a thread of its own and checks them on {@code parallel} threads; writes each
     * answer, in input order, as soon as it and every answer before it are there, and flushes, so a
     * co-process that writes one line and waits for its answer is answered at once.
     */
    private void runBatch(SpfChecker checker, PrintWriter out) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "spf-batch");
            t.setDaemon(true);
            return t;
        });
        boolean progress = System.console() != null;
        PrintWriter err = spec.commandLine().getErr();
        // Futures in input order; bounded, so a fast reader cannot run far ahead of the writer.
        BlockingQueue<Future<String>> answers = new ArrayBlockingQueue<>(BATCH_WINDOW);
        Future<String> end = CompletableFuture.completedFuture(null);
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))) {
                String line;
                long number = 0;
                while ((line = in.readLine()) != null) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    long lineNumber = number;
                    String text = line;
                    answers.put(pool.submit(() -> checkLine(checker, lineNumber, text)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    answers.put(end); // the writer drains the queue, so this cannot block for long
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, daemon("spf-batch-reader"));
        long written = 0;
        try {
            while (true) {
                Future<String> next = answers.take();
                if (next == end) {
                    break;
                }
                out.println(next.get());
                out.flush();
                written++;
                if (progress && written % 100 == 0) {
                    err.print("\r" + written + " lines checked");
                    err.flush();
                }
            }
            reading.join();
        } finally {
            pool.shutdownNow();
        }
        if (progress) {
            err.println("\r" + written + " lines checked");
        }
        out.flush();
    }

    private static Executor daemon(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        };
    }

    /** One batch line: its outcome, or an error object; never an exception. */
    static String checkLine(SpfChecker checker, long lineNumber, String text) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("line", lineNumber);
        try {
            Map<String, String> input = Json.parseFlatObject(text);
            for (String key : input.keySet()) {
                if (!key.equals("ip") && !key.equals("sender") && !key.equals("helo")) {
                    throw new IllegalArgumentException("unknown key \"" + key + "\" (ip, sender, helo)");
                }
            }
            CheckOutcome outcome = checker.checkHost(request(input.get("ip"), input.get("sender"), input.get("helo")));
            result.putAll(OutcomeFormat.toMap(outcome, false));
        } catch (IllegalArgumentException e) {
            result.put("error", e.getMessage());
        }
        return Json.write(result);
    }
}
