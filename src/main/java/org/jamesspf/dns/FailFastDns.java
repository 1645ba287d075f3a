package org.jamesspf.dns;

import org.jamesspf.spf.DomainNames;
import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.SpfDns;

/**
 * Remembers DNS that times out, as resolvers remember dead servers, so that a sender whose DNS
 * hangs costs one wait, not one per connection:
 * <ul>
 *   <li>a lookup that failed slowly (a temporary failure that took at least the query timeout:
 *       a timeout, not a quick SERVFAIL) is answered TEMPFAIL at once for {@code ttl}, per name and
 *       type;</li>
 *   <li>once {@value #NAMES_TO_WIDEN} distinct names under one registered domain
 *       ({@link RegisteredDomains}) have failed slowly, every lookup under that domain is answered
 *       TEMPFAIL at once for {@code ttl}: a zone that hangs costs a few waits, and one slow name
 *       never blocks its neighbours (nor, through a {@code _} label, a whole public suffix);</li>
 *   <li>failures of a local resource (a full pool, a closed transport) say nothing about a name and
 *       are never remembered; PTR lookups pass through (their failures skip a name, RFC 7208 5.5).</li>
 * </ul>
 * Lookups sent ahead of an evaluation and those of the explain route only read the memory
 * ({@link #speculative()}, {@link #readOnly()}). The memory is bounded in entries, each expiring on
 * its own; nothing is ever cleared wholesale.
 */
public final class FailFastDns implements SpfDns {
    /** Distinct names of one registered domain that must fail slowly before the whole domain is remembered. */
    static final int NAMES_TO_WIDEN = 3;
    /** Names, and registered domains, remembered at most each (the oldest go first). */
    static final long MAX_REMEMBERED = 10_000;

    private final SpfDns delegate;
    private final long slowNanos;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    /** "TYPE name" remembered (each expires on its own). */
    private final Cache<String, Boolean> failingNames;
    /** Registered domain to the distinct names under it that failed slowly (at most {@link #NAMES_TO_WIDEN}). */
    private final Cache<String, Set<String>> slowNames;
    /** Registered domains remembered whole (each expires on its own). */
    private final Cache<String, Boolean> failingDomains;
    private final SpfDns readOnly = new ReadOnly();

    /**
     * @param slow the query timeout: a failure that took this long is a timeout, and remembered
     * @param ttl  how long a slow failure is remembered (0: never)
     */
    public FailFastDns(SpfDns delegate, Duration slow, Duration ttl, LongSupplier nanoTime) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.slowNanos = slow.toNanos();
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        Ticker ticker = new Ticker() {
            @Override
            public long read() {
                return nanoTime.getAsLong();
            }
        };
        long expiry = Math.max(1, ttlNanos);
        this.failingNames = CacheBuilder.newBuilder().maximumSize(MAX_REMEMBERED).expireAfterWrite(expiry, TimeUnit.NANOSECONDS)
            .ticker(ticker).build();
        this.slowNames = CacheBuilder.newBuilder().maximumSize(MAX_REMEMBERED).expireAfterWrite(expiry, TimeUnit.NANOSECONDS)
            .ticker(ticker).build();
        this.failingDomains = CacheBuilder.newBuilder().maximumSize(MAX_REMEMBERED).expireAfterWrite(expiry, TimeUnit.NANOSECONDS)
            .ticker(ticker).build();
    }

    @Override
    public CompletionStage<DnsAnswer<String>> txt(String name) {
        return guarded("TXT", name, () -> delegate.txt(name), true);
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
        return guarded("A", name, () -> delegate.a(name), true);
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
        return guarded("AAAA", name, () -> delegate.aaaa(name), true);
    }

    @Override
    public CompletionStage<DnsAnswer<String>> mx(String name) {
        return guarded("MX", name, () -> delegate.mx(name), true);
    }

    @Override
    public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
        return delegate.ptr(address);
    }

    /** Lookups sent ahead of an evaluation: they read the memory, never add to it. */
    @Override
    public SpfDns speculative() {
        return readOnly;
    }

    /** The same resolver, reading the memory but never adding to it (the explain route's). */
    public SpfDns readOnly() {
        return readOnly;
    }

    private <T> CompletionStage<DnsAnswer<T>> guarded(String type, String name, Supplier<CompletionStage<DnsAnswer<T>>> lookup,
                                                      boolean remember) {
        if (ttlNanos == 0) {
            return lookup.get();
        }
        String key = type + " " + Ascii.toLowerCase(DomainNames.stripDot(name));
        String why = remembered(key, name);
        if (why != null) {
            return CompletableFuture.completedFuture(DnsAnswer.tempFail(why));
        }
        long start = nanoTime.getAsLong();
        CompletionStage<DnsAnswer<T>> stage = lookup.get();
        if (!remember) {
            return stage;
        }
        return stage.whenComplete((answer, failure) -> {
            boolean failed = failure != null || (answer != null && answer.kind() == DnsAnswer.Kind.TEMPFAIL && !answer.isLocalFailure());
            if (failed && nanoTime.getAsLong() - start >= slowNanos) {
                remember(key, name);
            }
        });
    }

    /** Why {@code key} is answered at once, or null when it is asked. */
    private String remembered(String key, String name) {
        if (failingNames.getIfPresent(key) != null) {
            return "DNS for " + key + " timed out recently";
        }
        // the registered domain (a Public Suffix List walk) only when some domain is remembered at all
        if (failingDomains.size() > 0) {
            String registered = RegisteredDomains.of(name);
            if (failingDomains.getIfPresent(registered) != null) {
                return "DNS under " + registered + " timed out recently";
            }
        }
        return null;
    }

    private void remember(String key, String name) {
        failingNames.put(key, Boolean.TRUE);
        String registered = RegisteredDomains.of(name);
        Set<String> names = slowNames.asMap().computeIfAbsent(registered, d -> new HashSet<>());
        boolean widen;
        synchronized (names) {
            if (names.size() < NAMES_TO_WIDEN) {
                names.add(key);
            }
            widen = names.size() >= NAMES_TO_WIDEN;
        }
        if (widen) {
            failingDomains.put(registered, Boolean.TRUE);
        }
    }

    /** The registered domain of {@code name} ({@link RegisteredDomains#of}). */
    public static String registeredDomain(String name) {
        return RegisteredDomains.of(name);
    }

    /** Reads the memory, adds nothing to it. */
    private final class ReadOnly implements SpfDns {
        @Override
        public CompletionStage<DnsAnswer<String>> txt(String name) {
            return guarded("TXT", name, () -> delegate.txt(name), false);
        }

        @Override
        public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
            return guarded("A", name, () -> delegate.a(name), false);
        }

        @Override
        public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
            return guarded("AAAA", name, () -> delegate.aaaa(name), false);
        }

        @Override
        public CompletionStage<DnsAnswer<String>> mx(String name) {
            return guarded("MX", name, () -> delegate.mx(name), false);
        }

        @Override
        public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
            return delegate.ptr(address);
        }
    }
}
