package org.jamesspf.james.checks;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registered domains and client networks with evaluations in flight that outlasted a wait at an
 * enforcement point, and how many. While {@value #SLOW_DOMAIN} under a domain, or {@value #SLOW_NETWORK}
 * from a network, are in that state, the I/O thread does not wait for that domain's or network's
 * other checks at all: a slow zone or a slow network costs a few waits, not one per name, sender or
 * host; one slow check (a lost packet) does not stop the waits. It makes its domain and network
 * suspect, though: at most {@value #SUSPECT_WAITS} I/O thread waits at a time for suspects' checks,
 * whichever domain or network they are from, so that many slow networks or domains together cannot
 * hold the I/O threads either; a suspect's check that finds that wait taken gets the pending action.
 * Checks of domains and networks with none wait as before.
 */
final class SlowChecks {
    /** Evaluations in flight under one registered domain that outlasted a wait, from which its checks are not waited for. */
    static final int SLOW_DOMAIN = 2;
    /** The same from one client network. */
    static final int SLOW_NETWORK = 4;
    /** I/O threads that may wait at once for checks of suspect domains and networks, all of them together. */
    static final int SUSPECT_WAITS = 1;

    private final Semaphore suspectWaits = new Semaphore(SUSPECT_WAITS);

    private final ConcurrentHashMap<String, AtomicInteger> domains = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ClientNetworks.Network, AtomicInteger> networks = new ConcurrentHashMap<>();

    /** Whether checks of {@code place} are not to be waited for. */
    boolean isSlow(FairShare.Place place) {
        return atLeast(domains, place.domain(), SLOW_DOMAIN) || atLeast(networks, place.network(), SLOW_NETWORK);
    }

    /** Whether {@code place}'s domain or network has an evaluation in flight that outlasted a wait. */
    boolean isSuspect(FairShare.Place place) {
        return atLeast(domains, place.domain(), 1) || atLeast(networks, place.network(), 1);
    }

    /** Takes the right to wait for a suspect's check, if no other I/O thread holds it; give it back with {@link #suspectWaitDone}. */
    boolean trySuspectWait() {
        return suspectWaits.tryAcquire();
    }

    void suspectWaitDone() {
        suspectWaits.release();
    }

    /** An evaluation of {@code place} outlasted a wait (counted once, until {@link #finished}). */
    void outlasted(FairShare.Place place) {
        increment(domains, place.domain());
        increment(networks, place.network());
    }

    /** An evaluation counted by {@link #outlasted} finished. */
    void finished(FairShare.Place place) {
        domains.computeIfPresent(place.domain(), (d, n) -> n.decrementAndGet() <= 0 ? null : n);
        networks.computeIfPresent(place.network(), (d, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    private static <K> boolean atLeast(ConcurrentHashMap<K, AtomicInteger> counts, K key, int threshold) {
        if (counts.isEmpty()) {
            return false;
        }
        AtomicInteger count = counts.get(key);
        return count != null && count.get() >= threshold;
    }

    private static <K> void increment(ConcurrentHashMap<K, AtomicInteger> counts, K key) {
        counts.compute(key, (k, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            count.incrementAndGet();
            return count;
        });
    }
}
