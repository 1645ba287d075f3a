package org.jamesspf.james.checks;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.james.config.CheckLimits;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.SpfResult;

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

    /**
     * A kept outcome's key: its whole request, or (shared) its request without the local part, for
     * an outcome that did not depend on it.
     */
    private static final class Key {
        final CheckRequest request;
        final boolean shared;
        private final int hash;

        Key(CheckRequest request, boolean shared) {
            this.request = request;
            this.shared = shared;
            this.hash = shared ? Objects.hash(request.ip(), request.identity(), request.domain(), request.helo(), request.receiver(),
                request.localPolicy()) : request.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key) || ((Key) o).shared != shared) {
                return false;
            }
            CheckRequest other = ((Key) o).request;
            if (!shared) {
                return other.equals(request);
            }
            return other.ip().equals(request.ip()) && other.identity() == request.identity() && other.domain().equals(request.domain())
                && other.helo().equals(request.helo()) && other.receiver().equals(request.receiver())
                && other.localPolicy().equals(request.localPolicy());
        }

        @Override
        public int hashCode() {
            return hash;
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
    private final CheckLimits limits;

    /** Weighed and timed by {@code limits} ({@code cacheKilobytes}, {@code cacheTtl}, {@code dnsFailureTtl}). */
    OutcomeCache(CheckLimits limits, LongSupplier nanoTime) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        long maxBytes = limits.cacheKilobytes() * 1024L;
        Duration maxTtl = limits.cacheTtl().compareTo(limits.dnsFailureTtl()) > 0 ? limits.cacheTtl() : limits.dnsFailureTtl();
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
        Kept shared = entries.getIfPresent(new Key(request, true));
        if (shared != null && now - shared.expires < 0) {
            return shared.outcome.forRequest(request);
        }
        Kept exact = entries.getIfPresent(new Key(request, false));
        return exact != null && now - exact.expires < 0 ? exact.outcome : null;
    }

    /**
     * Keeps {@code outcome} (its trace dropped), for the whole domain when its local part did not
     * matter, as long as {@link #ttl} says.
     *
     * @param elapsedNanos how long its evaluation took
     */
    void put(CheckRequest request, CheckOutcome outcome, long elapsedNanos) {
        Duration ttl = ttl(outcome, elapsedNanos);
        if (!enabled || ttl.isZero()) {
            return;
        }
        Kept kept = new Kept(outcome.withoutTrace(), nanoTime.getAsLong() + ttl.toNanos());
        entries.put(new Key(request, !outcome.usesLocalPart()), kept);
    }

    /**
     * How long an outcome is reused: the cache TTL; a temperror only when it was slow (a query
     * timed out, or the time budget), for the DNS-failure TTL; a quick temperror (SERVFAIL) not at
     * all, so a retry looks again.
     */
    Duration ttl(CheckOutcome outcome, long elapsedNanos) {
        if (outcome.result() != SpfResult.TEMPERROR) {
            return limits.cacheTtl();
        }
        return elapsedNanos >= limits.slowFailure().toNanos() ? limits.dnsFailureTtl() : Duration.ZERO;
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
