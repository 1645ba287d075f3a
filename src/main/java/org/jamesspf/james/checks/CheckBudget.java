package org.jamesspf.james.checks;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * RFC 7208 11.1: a client must not turn the receiver into a DNS amplifier (MAIL FROM again and
 * again, each a new evaluation), nor a domain's record ({@code exists:%{l}.victim.example}) turn it
 * into one against a third party. New evaluations, those that actually start (an outcome kept or
 * shared costs nothing), are counted per client network in the current minute; per sender registered
 * domain, those whose outcome depended on the local part (only these can be multiplied by sending
 * from new local parts: the others are shared by every local part, so a popular domain sending
 * from many addresses costs one per address). Each has its cap ({@code <checks>
 * <maxChecksPerNetworkPerMinute>}, {@code <maxChecksPerDomainPerMinute>}). The counters expire with
 * their minute and are bounded in number (least recently used go first); none is cleared wholesale.
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
    private final Cache<ClientNetworks.Network, Window> networks;
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

    /** Null when an evaluation for this network and domain may start now (it is counted for the network), else why not. */
    String spend(ClientNetworks.Network network, String domain) {
        long minute = Math.floorDiv(nanoTime.getAsLong(), MINUTE);
        Window byNetwork = window(networks, network, minute);
        if (byNetwork.count.get() >= perNetwork) {
            return "more than " + perNetwork + " checks from " + network + " this minute";
        }
        Window byDomain = domains.getIfPresent(domain);
        if (byDomain != null && byDomain.minute == minute && byDomain.count.get() >= perDomain) {
            return "more than " + perDomain + " checks of local parts under " + domain + " this minute";
        }
        byNetwork.count.incrementAndGet();
        return null;
    }

    /** An evaluation under {@code domain} depended on the sender's local part: it counts in the domain's budget. */
    void spentOnLocalPart(String domain) {
        window(domains, domain, Math.floorDiv(nanoTime.getAsLong(), MINUTE)).count.incrementAndGet();
    }

    /** The key's window of this minute (two callers racing at a minute's start may each start one: a count or two lost, no more). */
    private static <K> Window window(Cache<K, Window> windows, K key, long minute) {
        Window w = windows.getIfPresent(key);
        if (w == null || w.minute != minute) {
            w = new Window(minute);
            windows.put(key, w);
        }
        return w;
    }
}
