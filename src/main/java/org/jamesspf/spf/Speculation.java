package org.jamesspf.spf;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The speculative lookups in flight for one checker, across all its evaluations, and their cap:
 * past it, evaluations fetch nothing ahead (they still get every answer they need, one by one).
 * So fetch-ahead can never multiply the load on the resolver beyond a fixed number of queries.
 */
final class Speculation {
    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();

    Speculation(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        this.limit = limit;
    }

    /** Takes a place for one speculative query; false (and nothing taken) when all are taken. */
    boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }

    int limit() {
        return limit;
    }
}
