package org.jamesspf.dns;

import com.google.common.net.InternetDomainName;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.SpfDns;

/**
 * Remembers DNS that times out, as resolvers remember dead servers: after a lookup under a
 * registered domain fails slowly (a TEMPFAIL that took at least {@code slow}, i.e. a timeout,
 * not a quick SERVFAIL), lookups of any name under that registered domain answer TEMPFAIL at
 * once for {@code ttl}. A sender whose domain's DNS hangs then costs one wait, not one per
 * connection. The registered domain is the name's public-suffix-plus-one (Public Suffix List,
 * via Guava, which James ships); names outside any public suffix use their last two labels.
 * PTR lookups are passed through (their failures skip a name, RFC 7208 5.5).
 */
public final class FailFastDns implements SpfDns {
    /** Domains remembered at most; past this the memory starts afresh (an attacker cannot grow it). */
    static final int MAX_REMEMBERED = 10_000;

    private final SpfDns delegate;
    private final long slowNanos;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Long> failingUntil = new ConcurrentHashMap<>();

    public FailFastDns(SpfDns delegate, Duration slow, Duration ttl, LongSupplier nanoTime) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.slowNanos = slow.toNanos();
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public CompletionStage<DnsAnswer<String>> txt(String name) {
        return guarded(name, () -> delegate.txt(name));
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
        return guarded(name, () -> delegate.a(name));
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
        return guarded(name, () -> delegate.aaaa(name));
    }

    @Override
    public CompletionStage<DnsAnswer<String>> mx(String name) {
        return guarded(name, () -> delegate.mx(name));
    }

    @Override
    public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
        return delegate.ptr(address);
    }

    /** Whether lookups under {@code name}'s registered domain are answered TEMPFAIL at once now. */
    public boolean isFailing(String name) {
        Long until = failingUntil.get(registeredDomain(name));
        return until != null && nanoTime.getAsLong() - until < 0;
    }

    private <T> CompletionStage<DnsAnswer<T>> guarded(String name, java.util.function.Supplier<CompletionStage<DnsAnswer<T>>> lookup) {
        if (ttlNanos == 0) {
            return lookup.get();
        }
        long start = nanoTime.getAsLong();
        // the registered domain (a Public Suffix List walk) only when something is remembered at all
        if (!failingUntil.isEmpty()) {
            String key = registeredDomain(name);
            Long until = failingUntil.get(key);
            if (until != null) {
                if (start - until < 0) {
                    return CompletableFuture.completedFuture(DnsAnswer.tempFail("DNS under " + key + " timed out recently"));
                }
                failingUntil.remove(key, until);
            }
        }
        return lookup.get().whenComplete((answer, failure) -> {
            boolean failed = failure != null || (answer != null && answer.kind() == DnsAnswer.Kind.TEMPFAIL && !answer.isLocalFailure());
            long now = nanoTime.getAsLong();
            if (failed && now - start >= slowNanos) {
                if (failingUntil.size() >= MAX_REMEMBERED) {
                    failingUntil.clear();
                }
                failingUntil.put(registeredDomain(name), now + ttlNanos);
            }
        });
    }

    /** The public-suffix-plus-one of {@code name}, lower case; the last two labels when it has no public suffix. */
    public static String registeredDomain(String name) {
        String n = Ascii.toLowerCase(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
        if (isLdh(n)) {
            // Only LDH names reach Guava, whose from() throws on anything else.
            InternetDomainName domain = InternetDomainName.from(n);
            if (domain.isUnderPublicSuffix()) {
                return domain.topPrivateDomain().toString();
            }
        }
        int last = n.lastIndexOf('.');
        int previous = last <= 0 ? -1 : n.lastIndexOf('.', last - 1);
        return previous < 0 ? n : n.substring(previous + 1);
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    /** The names Guava's InternetDomainName accepts without throwing: LDH (and '_') labels, a letter first in the top label. */
    private static boolean isLdh(String n) {
        if (n.isEmpty() || n.length() > 253) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= n.length(); i++) {
            char c = i < n.length() ? n.charAt(i) : '.';
            if (c == '.') {
                int len = i - labelStart;
                if (len == 0 || len > 63 || !isAlnum(n.charAt(labelStart)) || !isAlnum(n.charAt(i - 1))) {
                    return false;
                }
                if (i == n.length() && !(n.charAt(labelStart) >= 'a' && n.charAt(labelStart) <= 'z')) {
                    return false; // Guava refuses a top label that starts with a digit
                }
                labelStart = i + 1;
            } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
