package org.jamesspf.james.checks;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.james.dnsservice.api.DNSService;
import org.jamesspf.james.config.SpfHookConfig;
import org.jamesspf.dns.dnsjava.LookupSessionSpfDns;
import org.jamesspf.dns.james.DnsServiceSpfDns;
import org.jamesspf.spf.dns.SpfDns;

/**
 * Picks the engine's DNS path (README "DNS" table). {@code auto}: configured servers give a
 * dedicated dnsjava resolver; James's own DNSJavaService gives dnsjava over the resolver and
 * cache James registered as dnsjava's defaults (full fidelity with James's DNS settings);
 * any other DNSService (a test double, a custom binding) is used through the adapter.
 */
final class SpfDnsFactory {
    /** Lookup threads for the blocking DNSService adapter; past this, lookups fail fast as temperror. */
    static final int MAX_ADAPTER_THREADS = 64;
    private static final String DNSJAVA_SERVICE = "org.apache.james.dnsservice.dnsjava.DNSJavaService";

    /** The chosen path and what must be closed with it. */
    static final class Choice {
        final SpfDns dns;
        final String description;
        private final Runnable close;

        Choice(SpfDns dns, String description, Runnable close) {
            this.dns = dns;
            this.description = description;
            this.close = close;
        }

        /** Releases the path's threads (the dnsjava transport's selector, the adapter's pool). */
        void close() {
            close.run();
        }
    }

    private SpfDnsFactory() {
    }

    /** @param executor where answers are handled (the engine's threads): no thread is started per answer */
    static Choice choose(SpfHookConfig config, DNSService dnsService, java.util.concurrent.Executor executor) {
        SpfHookConfig.Resolver resolver = config.resolver();
        if (resolver == SpfHookConfig.Resolver.AUTO) {
            resolver = !config.dnsServers().isEmpty() || isDnsJavaService(dnsService.getClass())
                ? SpfHookConfig.Resolver.DNSJAVA : SpfHookConfig.Resolver.JAMES;
        }
        switch (resolver) {
            case DNSJAVA:
                LookupSessionSpfDns dnsjava = config.dnsServers().isEmpty()
                    ? LookupSessionSpfDns.usingDnsjavaDefaults(config.queryTimeout(), executor, config.udpSockets())
                    : LookupSessionSpfDns.forServers(config.dnsServers(), config.queryTimeout(), true, executor, config.udpSockets());
                return new Choice(dnsjava, config.dnsServers().isEmpty() ? "dnsjava, James's DNS servers and cache"
                    : "dnsjava, servers " + config.dnsServers(), dnsjava::close);
            case JAMES:
                ExecutorService lookups = new ThreadPoolExecutor(0, MAX_ADAPTER_THREADS, 60, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), daemonThreads());
                return new Choice(new DnsServiceSpfDns(dnsService, lookups), "James DNSService " + dnsService.getClass().getName(),
                    lookups::shutdownNow);
            default:
                throw new AssertionError(resolver);
        }
    }

    /** By name, so the hook loads on a James without the dnsjava DNS module. */
    static boolean isDnsJavaService(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(DNSJAVA_SERVICE)) {
                return true;
            }
        }
        return false;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "james-spf-dns-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
