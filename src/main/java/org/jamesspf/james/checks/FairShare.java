package org.jamesspf.james.checks;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jamesspf.dns.RegisteredDomains;
import org.jamesspf.james.config.CheckLimits;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;

/**
 * Evaluations in flight, counted in all, per client network and per sender registered domain,
 * each with its cap ({@code <checks><maxInFlight>}, {@code <maxInFlightPerNetwork>},
 * {@code <maxInFlightPerDomain>}). A domain whose DNS is slow, or a network that sends many
 * senders at once, fills its own share and gets the pending action for its own checks, never for
 * anybody else's. The counters are removed when they fall to zero, so their maps hold at most the
 * evaluations in flight.
 */
final class FairShare {
    /** A place taken by one evaluation, given back when it ends. */
    static final class Place {
        private final ClientNetworks.Network network;
        private final String domain;
        private boolean released;

        private Place(ClientNetworks.Network network, String domain) {
            this.network = network;
            this.domain = domain;
        }

        /** The client network it was counted under. */
        ClientNetworks.Network network() {
            return network;
        }

        /** The sender registered domain it was counted under. */
        String domain() {
            return domain;
        }
    }

    private final CheckLimits limits;
    private final ClientNetworks networks;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<ClientNetworks.Network, AtomicInteger> byNetwork = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> byDomain = new ConcurrentHashMap<>();
    /** Sender domain to registered domain: a Public Suffix List walk saved (bounded; least recently used go). */
    private final Cache<String, String> registered = CacheBuilder.newBuilder().maximumSize(10_000).build();

    FairShare(CheckLimits limits, ClientNetworks networks) {
        this.limits = limits;
        this.networks = networks;
    }

    /** The client network of {@code ip}. */
    ClientNetworks.Network network(IpAddress ip) {
        return networks.of(ip);
    }

    /** The registered domain of the request's identity domain. */
    String registeredDomain(CheckRequest request) {
        String domain = request.domain();
        String known = registered.getIfPresent(domain);
        if (known == null) {
            known = RegisteredDomains.of(domain);
            registered.put(domain, known);
        }
        return known;
    }

    /** Takes a place for an evaluation of {@code request}: the place, or empty and why not in {@code why}. */
    Optional<Place> acquire(CheckRequest request, StringBuilder why) {
        if (total.incrementAndGet() > limits.maxInFlight()) {
            total.decrementAndGet();
            why.append("more than ").append(limits.maxInFlight()).append(" checks in flight");
            return Optional.empty();
        }
        ClientNetworks.Network network = network(request.ip());
        if (increment(byNetwork, network) > limits.maxInFlightPerNetwork()) {
            decrement(byNetwork, network);
            total.decrementAndGet();
            why.append("more than ").append(limits.maxInFlightPerNetwork()).append(" checks in flight from ").append(network);
            return Optional.empty();
        }
        String domain = registeredDomain(request);
        if (increment(byDomain, domain) > limits.maxInFlightPerDomain()) {
            decrement(byDomain, domain);
            decrement(byNetwork, network);
            total.decrementAndGet();
            why.append("more than ").append(limits.maxInFlightPerDomain()).append(" checks in flight under ").append(domain);
            return Optional.empty();
        }
        return Optional.of(new Place(network, domain));
    }

    /** Gives the place back (once). */
    void release(Place place) {
        synchronized (place) {
            if (place.released) {
                return;
            }
            place.released = true;
        }
        decrement(byDomain, place.domain);
        decrement(byNetwork, place.network);
        total.decrementAndGet();
    }

    /** Evaluations in flight now. */
    int inFlight() {
        return total.get();
    }

    private static <K> int increment(ConcurrentHashMap<K, AtomicInteger> counts, K key) {
        return counts.compute(key, (k, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            count.incrementAndGet();
            return count;
        }).get();
    }

    private static <K> void decrement(ConcurrentHashMap<K, AtomicInteger> counts, K key) {
        counts.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
}
