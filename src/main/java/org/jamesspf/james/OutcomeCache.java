package org.jamesspf.james;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;

/**
 * Outcomes kept for retries and repeated senders, weighed in bytes ({@code <checks><cacheKilobytes>}):
 * senders choose what fills it, so it is bounded by size, not by count, and the least recently used
 * go first; nothing is ever cleared wholesale. Each outcome expires on its own (a slow temperror
 * sooner than a result). An outcome whose evaluation used neither the {@code l} nor the {@code s}
 * macro is the same for every local part of the sender's domain: it is kept once for them all, so
 * VERP senders ({@code bounce-1234@lists.example}) cost one evaluation, not one per message.
 */
final class OutcomeCache {
    /** What an entry costs beyond its text: the entry, the key, the outcome and request objects. */
    static final int ENTRY_OVERHEAD = 400;

    /** A kept outcome's key: its whole request. */
    private static final class Exact {
        final CheckRequest request;

        Exact(CheckRequest request) {
            this.request = request;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Exact && ((Exact) o).request.equals(request);
        }

        @Override
        public int hashCode() {
            return request.hashCode();
        }
    }

    /** A shared outcome's key: its request without the local part. */
    private static final class Shared {
        final CheckRequest request;

        Shared(CheckRequest request) {
            this.request = request;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Shared)) {
                return false;
            }
            CheckRequest other = ((Shared) o).request;
            return other.ip().equals(request.ip()) && other.identity() == request.identity() && other.domain().equals(request.domain())
                && other.helo().equals(request.helo()) && other.receiver().equals(request.receiver())
                && other.localPolicy().equals(request.localPolicy());
        }

        @Override
        public int hashCode() {
            return Objects.hash(request.ip(), request.identity(), request.domain(), request.helo(), request.receiver(),
                request.localPolicy());
        }
    }

    private static final class Kept {
        final CheckOutcome outcome;
        final long expires;

        Kept(CheckOutcome outcome, long expires) {
            this.outcome = outcome;
            this.expires = expires;
        }
    }

    private final Cache<Object, Kept> entries;
    private final LongSupplier nanoTime;
    private final boolean enabled;

    /**
     * @param maxBytes the weight of all entries at most (0: keep nothing)
     * @param maxTtl   the longest any entry lives
     */
    OutcomeCache(long maxBytes, Duration maxTtl, LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.enabled = maxBytes > 0 && !maxTtl.isZero();
        this.entries = CacheBuilder.newBuilder()
            .maximumWeight(Math.max(1, maxBytes))
            .weigher((Object key, Kept kept) -> weight(kept.outcome))
            .expireAfterWrite(Math.max(1, maxTtl.toNanos()), TimeUnit.NANOSECONDS)
            .ticker(new Ticker() {
                @Override
                public long read() {
                    return nanoTime.getAsLong();
                }
            })
            .build();
    }

    /** The kept outcome for {@code request}, retargeted to it when it was kept for the sender's whole domain. */
    CheckOutcome get(CheckRequest request) {
        if (!enabled) {
            return null;
        }
        long now = nanoTime.getAsLong();
        Kept shared = entries.getIfPresent(new Shared(request));
        if (shared != null && now - shared.expires < 0) {
            return shared.outcome.forRequest(request);
        }
        Kept exact = entries.getIfPresent(new Exact(request));
        return exact != null && now - exact.expires < 0 ? exact.outcome : null;
    }

    /** Keeps {@code outcome} (its trace dropped) for {@code ttlNanos}, for the whole domain when its local part did not matter. */
    void put(CheckRequest request, CheckOutcome outcome, long ttlNanos) {
        if (!enabled) {
            return;
        }
        Kept kept = new Kept(outcome.withoutTrace(), nanoTime.getAsLong() + ttlNanos);
        entries.put(outcome.usesLocalPart() ? new Exact(request) : new Shared(request), kept);
    }

    /** Bytes held now (an estimate: two per character of text, and the overhead of each entry). */
    long weight() {
        long sum = 0;
        for (Kept kept : entries.asMap().values()) {
            sum += weight(kept.outcome);
        }
        return sum;
    }

    long size() {
        return entries.size();
    }

    /** An outcome's size in bytes, estimated from its text: what a hostile domain can make it hold is what counts. */
    static int weight(CheckOutcome o) {
        CheckRequest r = o.request();
        long chars = (long) r.sender().length() + r.helo().length() + r.receiver().length() + r.domain().length()
            + o.term().length() + o.problem().length() + o.explanation().length();
        return (int) Math.min(Integer.MAX_VALUE, ENTRY_OVERHEAD + 2 * chars);
    }
}
