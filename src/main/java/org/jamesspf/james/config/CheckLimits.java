package org.jamesspf.james.config;

import static org.jamesspf.james.config.ConfigValues.boundedInt;
import static org.jamesspf.james.config.ConfigValues.error;
import static org.jamesspf.james.config.ConfigValues.nonNegativeInt;
import static org.jamesspf.james.config.ConfigValues.positiveInt;

import java.time.Duration;
import java.util.Objects;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;

/**
 * The {@code <checks>} settings: how evaluations run beside James's I/O threads, and the shares and
 * budgets that keep one sender, domain or network from taking what all share. Defaults are named
 * constants with their reason.
 */
public final class CheckLimits {
    /**
     * How long an SMTP I/O thread waits for a check at the enforcement point. James runs hooks on
     * its few Netty I/O threads: every millisecond waited there stalls all connections on that
     * thread. A check not done by then gets the pending action (default 451) and goes on; the
     * sender's retry is answered from its kept outcome.
     */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(200);
    /** Evaluation threads: CPU work only, as a check waiting for DNS holds no thread. Twice the cores, as James's own I/O threads. */
    public static final int DEFAULT_THREADS = 2 * Runtime.getRuntime().availableProcessors();
    /**
     * Evaluations in flight at once (waiting for DNS, mostly): each costs a few KB of memory, not a
     * thread, so many can wait on slow DNS; past it no check starts and the pending action applies.
     */
    public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;
    /** Of those, from one client network: a busy relay has a few at a time; a hostile network fills only its own share. */
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_NETWORK = 64;
    /** Of those, under one sender registered domain: a domain whose DNS is slow fills only its own share. */
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_DOMAIN = 256;
    /** A client network: the /24 of an IPv4 address (one operator's block, commonly). */
    public static final int DEFAULT_NETWORK_PREFIX_V4 = 24;
    /** A client network: the /64 of an IPv6 address (one site: a host there has many addresses). */
    public static final int DEFAULT_NETWORK_PREFIX_V6 = 64;
    /** Kept outcomes, in kilobytes (about 16,000 outcomes of ordinary size); senders choose what fills it. */
    public static final int DEFAULT_CACHE_KILOBYTES = 16 * 1024;
    /** How long an outcome is reused: about a typical SPF record TTL. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
    /**
     * How long DNS that timed out answers temperror at once instead of being waited for again: each
     * stalled name (and, after a few of its names, each stalled registered domain) then costs one wait
     * per minute at most.
     */
    public static final Duration DEFAULT_DNS_FAILURE_TTL = Duration.ofSeconds(60);
    /** New evaluations one SMTP connection may cause (kept outcomes are free); a normal sender needs a few. */
    public static final int DEFAULT_MAX_CHECKS_PER_SESSION = 50;
    /**
     * New evaluations per client network and minute: a relay sending for many domains needs many,
     * a client cycling MAIL FROM to make us query DNS for it (RFC 7208 11.1) is stopped.
     */
    public static final int DEFAULT_MAX_CHECKS_PER_NETWORK_PER_MINUTE = 2400;
    /**
     * New evaluations per sender registered domain and minute that depended on the local part: a record
     * that makes each local part query anew ({@code exists:%{l}.victim}, RFC 7208 11.1) is held to it.
     */
    public static final int DEFAULT_MAX_CHECKS_PER_DOMAIN_PER_MINUTE = 600;

    private final Duration maxWait;
    private final int threads;
    private final int maxInFlight;
    private final int maxInFlightPerNetwork;
    private final int maxInFlightPerDomain;
    private final int networkPrefixV4;
    private final int networkPrefixV6;
    private final int cacheKilobytes;
    private final Duration cacheTtl;
    private final Duration dnsFailureTtl;
    private final Duration slowFailure;
    private final int maxChecksPerSession;
    private final int maxChecksPerNetworkPerMinute;
    private final int maxChecksPerDomainPerMinute;

    private CheckLimits(Duration maxWait, int threads, int maxInFlight, int maxInFlightPerNetwork, int maxInFlightPerDomain,
                        int networkPrefixV4, int networkPrefixV6, int cacheKilobytes, Duration cacheTtl, Duration dnsFailureTtl,
                        Duration slowFailure, int maxChecksPerSession, int maxChecksPerNetworkPerMinute, int maxChecksPerDomainPerMinute) {
        this.maxWait = maxWait;
        this.threads = threads;
        this.maxInFlight = maxInFlight;
        this.maxInFlightPerNetwork = maxInFlightPerNetwork;
        this.maxInFlightPerDomain = maxInFlightPerDomain;
        this.networkPrefixV4 = networkPrefixV4;
        this.networkPrefixV6 = networkPrefixV6;
        this.cacheKilobytes = cacheKilobytes;
        this.cacheTtl = cacheTtl;
        this.dnsFailureTtl = dnsFailureTtl;
        this.slowFailure = slowFailure;
        this.maxChecksPerSession = maxChecksPerSession;
        this.maxChecksPerNetworkPerMinute = maxChecksPerNetworkPerMinute;
        this.maxChecksPerDomainPerMinute = maxChecksPerDomainPerMinute;
    }

    /** The defaults; {@code queryTimeout} is the DNS query timeout (a failure that took it was a timeout). */
    static CheckLimits defaults(Duration queryTimeout) {
        return new CheckLimits(DEFAULT_MAX_WAIT, DEFAULT_THREADS, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_IN_FLIGHT_PER_NETWORK,
            DEFAULT_MAX_IN_FLIGHT_PER_DOMAIN, DEFAULT_NETWORK_PREFIX_V4, DEFAULT_NETWORK_PREFIX_V6, DEFAULT_CACHE_KILOBYTES,
            DEFAULT_CACHE_TTL, DEFAULT_DNS_FAILURE_TTL, queryTimeout, DEFAULT_MAX_CHECKS_PER_SESSION,
            DEFAULT_MAX_CHECKS_PER_NETWORK_PER_MINUTE, DEFAULT_MAX_CHECKS_PER_DOMAIN_PER_MINUTE);
    }

    /** Reads {@code <checks>} of the handler's configuration. */
    static CheckLimits from(HierarchicalConfiguration<ImmutableNode> config, Duration queryTimeout) throws ConfigurationException {
        CheckLimits limits = new CheckLimits(
            Duration.ofMillis(nonNegativeInt(config, "checks.maxWaitMs", (int) DEFAULT_MAX_WAIT.toMillis())),
            boundedInt(config, "checks.threads", DEFAULT_THREADS, 256),
            boundedInt(config, "checks.maxInFlight", DEFAULT_MAX_IN_FLIGHT, 1_000_000),
            positiveInt(config, "checks.maxInFlightPerNetwork", DEFAULT_MAX_IN_FLIGHT_PER_NETWORK),
            positiveInt(config, "checks.maxInFlightPerDomain", DEFAULT_MAX_IN_FLIGHT_PER_DOMAIN),
            boundedInt(config, "checks.networkPrefixV4", DEFAULT_NETWORK_PREFIX_V4, 32),
            boundedInt(config, "checks.networkPrefixV6", DEFAULT_NETWORK_PREFIX_V6, 128),
            nonNegativeInt(config, "checks.cacheKilobytes", DEFAULT_CACHE_KILOBYTES),
            Duration.ofSeconds(nonNegativeInt(config, "checks.cacheTtlSeconds", (int) DEFAULT_CACHE_TTL.getSeconds())),
            Duration.ofSeconds(nonNegativeInt(config, "checks.dnsFailureTtlSeconds", (int) DEFAULT_DNS_FAILURE_TTL.getSeconds())),
            queryTimeout,
            positiveInt(config, "checks.maxChecksPerSession", DEFAULT_MAX_CHECKS_PER_SESSION),
            positiveInt(config, "checks.maxChecksPerNetworkPerMinute", DEFAULT_MAX_CHECKS_PER_NETWORK_PER_MINUTE),
            positiveInt(config, "checks.maxChecksPerDomainPerMinute", DEFAULT_MAX_CHECKS_PER_DOMAIN_PER_MINUTE));
        if (limits.maxInFlightPerNetwork > limits.maxInFlight) {
            throw error("checks.maxInFlightPerNetwork", limits.maxInFlightPerNetwork + " is more than <maxInFlight> (" + limits.maxInFlight + ")");
        }
        if (limits.maxInFlightPerDomain > limits.maxInFlight) {
            throw error("checks.maxInFlightPerDomain", limits.maxInFlightPerDomain + " is more than <maxInFlight> (" + limits.maxInFlight + ")");
        }
        return limits;
    }

    public Duration maxWait() {
        return maxWait;
    }

    /** Threads evaluations run on (CPU work only). */
    public int threads() {
        return threads;
    }

    /** Evaluations in flight at once; past it no check starts (the pending action). */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Evaluations in flight from one client network. */
    public int maxInFlightPerNetwork() {
        return maxInFlightPerNetwork;
    }

    /** Evaluations in flight under one sender registered domain. */
    public int maxInFlightPerDomain() {
        return maxInFlightPerDomain;
    }

    public int networkPrefixV4() {
        return networkPrefixV4;
    }

    public int networkPrefixV6() {
        return networkPrefixV6;
    }

    /** The weight of kept outcomes at most, in kilobytes (0: none kept). */
    public int cacheKilobytes() {
        return cacheKilobytes;
    }

    public Duration cacheTtl() {
        return cacheTtl;
    }

    public Duration dnsFailureTtl() {
        return dnsFailureTtl;
    }

    /** A temporary failure that took this long was a timeout (the DNS query timeout), not a quick SERVFAIL. */
    public Duration slowFailure() {
        return slowFailure;
    }

    /** RFC 7208 11.1: new evaluations per SMTP connection. */
    public int maxChecksPerSession() {
        return maxChecksPerSession;
    }

    /** RFC 7208 11.1: new evaluations per client network per minute. */
    public int maxChecksPerNetworkPerMinute() {
        return maxChecksPerNetworkPerMinute;
    }

    /** RFC 7208 11.1: new evaluations per sender registered domain per minute. */
    public int maxChecksPerDomainPerMinute() {
        return maxChecksPerDomainPerMinute;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CheckLimits)) {
            return false;
        }
        CheckLimits c = (CheckLimits) o;
        return maxWait.equals(c.maxWait) && threads == c.threads && maxInFlight == c.maxInFlight
            && maxInFlightPerNetwork == c.maxInFlightPerNetwork && maxInFlightPerDomain == c.maxInFlightPerDomain
            && networkPrefixV4 == c.networkPrefixV4 && networkPrefixV6 == c.networkPrefixV6 && cacheKilobytes == c.cacheKilobytes
            && cacheTtl.equals(c.cacheTtl) && dnsFailureTtl.equals(c.dnsFailureTtl) && slowFailure.equals(c.slowFailure)
            && maxChecksPerSession == c.maxChecksPerSession && maxChecksPerNetworkPerMinute == c.maxChecksPerNetworkPerMinute
            && maxChecksPerDomainPerMinute == c.maxChecksPerDomainPerMinute;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxWait, threads, maxInFlight, maxInFlightPerNetwork, maxInFlightPerDomain, cacheKilobytes, cacheTtl);
    }

    @Override
    public String toString() {
        return "{maxWait=" + maxWait.toMillis() + "ms, threads=" + threads + ", inFlight=" + maxInFlight + "/" + maxInFlightPerNetwork
            + " per /" + networkPrefixV4 + ",/" + networkPrefixV6 + "/" + maxInFlightPerDomain + " per domain, cache=" + cacheKilobytes
            + "KB/" + cacheTtl.getSeconds() + "s, dnsFailure=" + dnsFailureTtl.getSeconds() + "s, budget=" + maxChecksPerSession
            + " per session/" + maxChecksPerNetworkPerMinute + " per network-minute/" + maxChecksPerDomainPerMinute + " per domain-minute}";
    }
}
