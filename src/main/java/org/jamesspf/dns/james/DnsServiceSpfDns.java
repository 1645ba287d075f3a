package org.jamesspf.dns.james;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.SpfDns;

/**
 * The engine's DNS through any James {@link DNSService} (DNSJavaService, InMemoryDNSService,
 * a test double). The interface is blocking, so calls run on the given executor and the
 * engine's time budget still ends a check on time (the James call itself finishes on its own
 * timeouts). What the interface cannot express, and how each gap reads:
 * <ul>
 *   <li>TXT: NXDOMAIN, no data and a timeout all arrive as an empty collection (DNSJavaService
 *       swallows lookup failures), so they read as NODATA: a TXT timeout gives none, not temperror.</li>
 *   <li>A/AAAA: only {@code getAllByName}; DNSJavaService answers it with A records only, so AAAA
 *       reads as NODATA; an {@link UnknownHostException} reads as NXDOMAIN, failures included.</li>
 *   <li>MX: DNSJavaService's {@code findMXRecords} returns the host itself when it has no MX
 *       (an implicit MX that RFC 7208 5.4 forbids); that cannot be told from a real MX.</li>
 *   <li>PTR: {@code getHostName} gives one name (or the address text when there is none).</li>
 * </ul>
 * On a stock James the hook therefore prefers {@code LookupSessionSpfDns}.
 */
public final class DnsServiceSpfDns implements SpfDns {
    private final DNSService dns;
    private final Executor executor;

    public DnsServiceSpfDns(DNSService dns, Executor executor) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public CompletionStage<DnsAnswer<String>> txt(String name) {
        return call(() -> {
            Collection<String> records = dns.findTXTRecords(name);
            List<String> values = new ArrayList<>(records.size());
            for (String record : records) {
                values.add(PresentationText.joinCharacterStrings(record));
            }
            // An empty answer: no data, no such name, or a swallowed timeout; indistinguishable here.
            return DnsAnswer.of(values);
        });
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
        return addresses(name, false);
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
        return addresses(name, true);
    }

    private CompletionStage<DnsAnswer<IpAddress>> addresses(String name, boolean v6) {
        return call(() -> {
            Collection<InetAddress> all;
            try {
                all = dns.getAllByName(name);
            } catch (UnknownHostException e) {
                // DNSService reports "no such host" and lookup failures alike; read as NXDOMAIN.
                return DnsAnswer.nxDomain();
            }
            List<IpAddress> values = new ArrayList<>();
            for (InetAddress address : all) {
                if (v6 ? address instanceof Inet6Address : address instanceof Inet4Address) {
                    values.add(IpAddress.fromBytes(address.getAddress()));
                }
            }
            return DnsAnswer.of(values);
        });
    }

    @Override
    public CompletionStage<DnsAnswer<String>> mx(String name) {
        return call(() -> {
            try {
                // DNSJavaService adds an implicit MX (the host itself) when there is none: not expressible.
                return DnsAnswer.of(new ArrayList<>(dns.findMXRecords(name)));
            } catch (TemporaryResolutionException e) {
                return DnsAnswer.tempFail("temporary MX resolution failure");
            }
        });
    }

    @Override
    public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
        return call(() -> {
            InetAddress inet;
            try {
                inet = InetAddress.getByAddress(address.toBytes());
            } catch (UnknownHostException e) {
                throw new AssertionError("4 or 16 bytes are always an address", e);
            }
            String name = dns.getHostName(inet);
            // getHostName returns the address text when no PTR exists; only one name otherwise.
            if (name == null || name.isEmpty() || IpAddress.parseOrNull(name) != null) {
                return DnsAnswer.noData();
            }
            return DnsAnswer.of(List.of(name));
        });
    }

    private <T> CompletionStage<DnsAnswer<T>> call(Supplier<DnsAnswer<T>> lookup) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return lookup.get();
                } catch (RuntimeException e) {
                    // A DNSService that throws instead of answering: a failure that may go away.
                    return DnsAnswer.tempFail("DNSService failed: " + e);
                }
            }, executor);
        } catch (RejectedExecutionException e) {
            // every lookup thread is busy: fail this lookup now rather than queue without bound
            return CompletableFuture.completedFuture(DnsAnswer.localFailure("DNS lookup pool saturated"));
        }
    }

    @Override
    public String toString() {
        return "DnsServiceSpfDns{" + dns.getClass().getName() + "}";
    }
}
