package org.jamesspf.spf;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads evaluations run on: a fixed number, all started at once and kept (no thread is
 * created per check or per DNS answer), which also keep the checks' time budgets. An evaluation
 * waiting for DNS holds none of them: it is parked as a small state object and resumed here
 * when its answer arrives. Threads are for CPU work, so a few are enough (about the cores).
 */
public final class EngineThreads implements AutoCloseable {
    private final ScheduledThreadPoolExecutor pool;
    private final int threads;

    private EngineThreads(String name, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        Objects.requireNonNull(name, "name");
        AtomicInteger count = new AtomicInteger();
        this.threads = threads;
        this.pool = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // a finished check cancels its budget timer: gone from the queue at once, not at its deadline
        pool.setRemoveOnCancelPolicy(true);
        pool.prestartAllCoreThreads();
    }

    /** {@code threads} threads named {@code name-N}, started now; {@link #close()} stops them. */
    public static EngineThreads start(String name, int threads) {
        return new EngineThreads(name, threads);
    }

    /** The threads for callers that bring none (the command line, tests): one per core, started on first use, never closed. */
    public static EngineThreads common() {
        return Common.INSTANCE;
    }

    /** Runs evaluation steps. */
    public Executor executor() {
        return pool;
    }

    /** Keeps time budgets: one timer per evaluation that waits, cancelled when it ends. */
    public ScheduledExecutorService scheduler() {
        return pool;
    }

    public int threads() {
        return threads;
    }

    /** Stops the threads; evaluations still waiting then end with temperror when their answer comes. */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    @Override
    public String toString() {
        return "EngineThreads{" + threads + "}";
    }

    /** Holder: created when first asked for. */
    private static final class Common {
        static final EngineThreads INSTANCE = new EngineThreads("james-spf-engine", Runtime.getRuntime().availableProcessors());
    }
}
