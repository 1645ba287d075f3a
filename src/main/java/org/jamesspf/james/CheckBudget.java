package org.jamesspf.james;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * RFC 7208 11.1: a client must not turn the receiver into a DNS amplifier (MAIL FROM again and
 * again, each a new evaluation). New evaluations, those that actually start (an outcome kept or
 * shared costs nothing), are counted per client network and per sender registered domain in the
 * current minute, each with its cap ({@code <checks><maxChecksPerNetworkPerMinute>},
 * {@code <maxChecksPerDomainPerMinute>}). The counters expire with their minute and are bounded in
 * number (least recently used go first); none is ever cleared wholesale.
 */
final class CheckBudget {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    private static final long MAX_TRACKED = 100_000;

    /** One key's count in one minute. */
    private static final class Window {
        final long minute;
        final AtomicInteger count = new AtomicInteger();

        Window(long minute) {
            this.minute = minute;
        }
    }

    private final int perNetwork;
    private final int perDomain;
    private final LongSupplier nanoTime;
    private final Cache<String, Window> networks;
    private final Cache<String, Window> domains;

    CheckBudget(int perNetwork, int perDomain, LongSupplier nanoTime) {
        this.perNetwork = perNetwork;
        this.perDomain = perDomain;
        this.nanoTime = nanoTime;
        Ticker ticker = new Ticker() {
            @Override
            public long read() {
                return nanoTime.getAsLong();
            }
        };
        this.networks = CacheBuilder.newBuilder().maximumSize(MAX_TRACKED).expireAfterWrite(2, TimeUnit.MINUTES).ticker(ticker).build();
        this.domains = CacheBuilder.newBuilder().maximumSize(MAX_TRACKED).expireAfterWrite(2, TimeUnit.MINUTES).ticker(ticker).build();
    }

    /** Null when an evaluation for this network and domain may start now (and it is counted), else why not. */
    String spend(String network, String domain) {
        long minute = Math.floorDiv(nanoTime.getAsLong(), MINUTE);
        Window byNetwork = window(networks, network, minute);
        Window byDomain = window(domains, domain, minute);
        if (byNetwork.count.get() >= perNetwork) {
            return "more than " + perNetwork + " checks from " + network + " this minute";
        }
        if (byDomain.count.get() >= perDomain) {
            return "more than " + perDomain + " checks under " + domain + " this minute";
        }
        byNetwork.count.incrementAndGet();
        byDomain.count.incrementAndGet();
        return null;
    }

    private static Window window(Cache<String, Window> windows, String key, long minute) {
        return windows.asMap().compute(key, (k, w) -> w == null || w.minute != minute ? new Window(minute) : w);
    }
}
