package org.jamesspf.spf.dns;

import java.util.concurrent.CompletionStage;
import org.jamesspf.spf.IpAddress;

/**
 * The engine's port to DNS: the five queries RFC 7208 makes. Names are given without a
 * trailing dot. Implementations complete every stage, with a value rather than an
 * exception: failures are {@link DnsAnswer.Kind#TEMPFAIL}. A stage that never completes
 * is cut by the engine's time budget.
 */
public interface SpfDns {
    /** TXT records of {@code name}, the character-strings of each record joined without spaces (RFC 7208 3.3). */
    CompletionStage<DnsAnswer<String>> txt(String name);

    /** IPv4 addresses of {@code name}, CNAMEs followed. */
    CompletionStage<DnsAnswer<IpAddress>> a(String name);

    /** IPv6 addresses of {@code name}, CNAMEs followed. */
    CompletionStage<DnsAnswer<IpAddress>> aaaa(String name);

    /** RFC 7208 5.3, 5.4: the addresses of {@code name} in {@code client}'s family (AAAA for IPv6, A for IPv4). */
    default CompletionStage<DnsAnswer<IpAddress>> addresses(String name, IpAddress client) {
        return client.isV6() ? aaaa(name) : a(name);
    }

    /** MX exchange names of {@code name}, in preference order; no implicit MX (RFC 7208 5.4). */
    CompletionStage<DnsAnswer<String>> mx(String name);

    /** PTR names of the reverse name of {@code address}, all of them. */
    CompletionStage<DnsAnswer<String>> ptr(IpAddress address);

    /**
     * The resolver for lookups sent ahead of an evaluation, which may never be needed: the same
     * answers, but a resolver that learns from failures (remembers timeouts) must not learn from
     * these. By default this resolver itself.
     */
    default SpfDns speculative() {
        return this;
    }
}
