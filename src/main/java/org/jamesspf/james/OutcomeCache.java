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
import org.jamesspf.spf.Identity;

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

    /** A kept outcome's key: its request, or (shared) the request without its local part. */
    private static final class Key {
        final CheckRequest request;
        final boolean shared;

        Key(CheckRequest request, boolean shared) {
            this.request = request;
            this.shared = shared;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).shared == shared && ((Key) o).request.equals(request);
        }

        @Override
        public int hashCode() {
            return request.hashCode() * 31 + (shared ? 1 : 0);
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

    private final Cache<Key, Kept> entries;
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
            .weigher((Key key, Kept kept) -> weight(kept.outcome))
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
        Kept shared = entries.getIfPresent(new Key(withoutLocalPart(request), true));
        if (shared != null && now - shared.expires < 0) {
            return shared.outcome.forRequest(request);
        }
        Kept exact = entries.getIfPresent(new Key(request, false));
        return exact != null && now - exact.expires < 0 ? exact.outcome : null;
    }

    /** Keeps {@code outcome} (its trace dropped) for {@code ttlNanos}, for the whole domain when its local part did not matter. */
    void put(CheckRequest request, CheckOutcome outcome, long ttlNanos) {
        if (!enabled) {
            return;
        }
        Kept kept = new Kept(outcome.withoutTrace(), nanoTime.getAsLong() + ttlNanos);
        if (outcome.usesLocalPart()) {
            entries.put(new Key(request, false), kept);
        } else {
            entries.put(new Key(withoutLocalPart(request), true), kept);
        }
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

    /** The request with the local part every sender of its domain shares here ("postmaster"). */
    private static CheckRequest withoutLocalPart(CheckRequest request) {
        if (request.identity() == Identity.HELO) {
            return request;
        }
        return CheckRequest.mailFrom(request.ip(), "postmaster@" + request.domain(), request.helo()).withReceiver(request.receiver());
    }
}
