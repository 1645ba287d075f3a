package org.jamesspf.dns.dnsjava;

import org.jamesspf.spf.DomainNames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jamesspf.spf.EngineThreads;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.SpfDns;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * Full-fidelity DNS for the engine through dnsjava's asynchronous {@link LookupSession}:
 * A, AAAA, multi-string TXT, MX without implicit MX, every PTR name, NXDOMAIN vs no data vs
 * failure, CNAME chains, and TCP retry of truncated UDP answers (done by SimpleResolver).
 * No thread blocks on a lookup: stages complete when dnsjava answers or the per-query
 * timeout fires.
 */
public final class LookupSessionSpfDns implements SpfDns, AutoCloseable {
    /** The session, the time one query may take across all servers, and the transport to close. */
    private static final class Session {
        final LookupSession lookups;
        final Duration overall;
        final NioTransport transport;

        Session(LookupSession lookups, Duration overall, NioTransport transport) {
            this.lookups = lookups;
            this.overall = overall;
            this.transport = transport;
        }
    }

    private final java.util.function.Supplier<Session> sessionFactory;
    private final String description;
    private volatile Session session;

    private LookupSessionSpfDns(java.util.function.Supplier<Session> sessionFactory, String description) {
        this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
        this.description = description;
    }

    private Session session() {
        Session s = session;
        if (s == null) {
            synchronized (this) {
                s = session;
                if (s == null) {
                    s = sessionFactory.get();
                    session = s;
                }
            }
        }
        return s;
    }

    /**
     * The servers and the IN cache that James's {@code DNSJavaService} registers as dnsjava's
     * defaults (unless {@code setAsDNSJavaDefault} is false): James's DNS servers and cache then
     * apply. The queries go through {@link NioTransport} to those servers, each with
     * {@code queryTimeout}; a default resolver that is not made of dnsjava's SimpleResolvers is
     * used as it is.
     */
    public static LookupSessionSpfDns usingDnsjavaDefaults(Duration queryTimeout) {
        return usingDnsjavaDefaults(queryTimeout, EngineThreads.common().executor(), NioTransport.DEFAULT_UDP_SOCKETS);
    }

    /**
     * As above; answers are handled on {@code executor} (dnsjava's lookup stages included, so no
     * thread is started per answer), and the transport shares {@code udpSockets} UDP sockets.
     */
    public static LookupSessionSpfDns usingDnsjavaDefaults(Duration queryTimeout, Executor executor, int udpSockets) {
        Objects.requireNonNull(executor, "executor");
        // Read at the first query, not now: James's DNSJavaService may register its resolver after
        // the SMTP handlers are initialised. Reading only; never setting library globals.
        return new LookupSessionSpfDns(() -> {
            Resolver resolver = Lookup.getDefaultResolver();
            Cache cache = Lookup.getDefaultCache(DClass.IN);
            List<InetSocketAddress> servers = serversOf(resolver);
            NioTransport transport = servers.isEmpty() ? null : transport(servers, queryTimeout, udpSockets);
            LookupSession lookups = LookupSession.builder().resolver(transport != null ? transport : resolver).cache(cache)
                .executor(executor).clearSearchPath().build();
            return new Session(lookups, queryTimeout.multipliedBy(Math.max(1, servers.size()) + 1L), transport);
        }, "James's DNS servers and cache (dnsjava defaults)");
    }

    /** The addresses of a dnsjava SimpleResolver or of an ExtendedResolver made of them; empty otherwise. */
    static List<InetSocketAddress> serversOf(Resolver resolver) {
        List<InetSocketAddress> servers = new ArrayList<>();
        if (resolver instanceof SimpleResolver) {
            servers.add(((SimpleResolver) resolver).getAddress());
        } else if (resolver instanceof ExtendedResolver) {
            for (Resolver r : ((ExtendedResolver) resolver).getResolvers()) {
                if (!(r instanceof SimpleResolver)) {
                    return List.of();
                }
                servers.add(((SimpleResolver) r).getAddress());
            }
        }
        return servers;
    }

    /**
     * A dedicated resolver for the given servers ({@code host[:port]}), tried in order with
     * {@code queryTimeout} each, with its own cache when {@code cache} is true. Truncated UDP
     * answers are asked again over TCP.
     */
    public static LookupSessionSpfDns forServers(List<String> servers, Duration queryTimeout, boolean cache) {
        return forServers(servers, queryTimeout, cache, EngineThreads.common().executor(), NioTransport.DEFAULT_UDP_SOCKETS);
    }

    /** As above; answers are handled on {@code executor}, and the transport shares {@code udpSockets} UDP sockets. */
    public static LookupSessionSpfDns forServers(List<String> servers, Duration queryTimeout, boolean cache, Executor executor,
                                                 int udpSockets) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no DNS servers given");
        }
        Objects.requireNonNull(executor, "executor");
        List<InetSocketAddress> addresses = DnsServers.parseAll(servers);
        return new LookupSessionSpfDns(() -> {
            NioTransport transport = transport(addresses, queryTimeout, udpSockets);
            LookupSession.LookupSessionBuilder builder = LookupSession.builder().resolver(transport).executor(executor).clearSearchPath();
            if (cache) {
                builder.cache(new Cache(DClass.IN));
            }
            // Each server gets queryTimeout; the whole query one per server plus slack.
            return new Session(builder.build(), queryTimeout.multipliedBy(addresses.size() + 1L), transport);
        }, "servers " + servers);
    }

    private static NioTransport transport(List<InetSocketAddress> servers, Duration queryTimeout, int udpSockets) {
        try {
            return new NioTransport(servers, queryTimeout, udpSockets);
        } catch (IOException e) {
            // No selector can be opened: the JVM is out of file descriptors; nothing works without it.
            throw new java.io.UncheckedIOException("cannot open a DNS transport", e);
        }
    }

    /** Stops the transport's selector thread, if one was started. */
    @Override
    public void close() {
        Session s = session;
        if (s != null && s.transport != null) {
            s.transport.close();
        }
    }

    @Override
    public CompletionStage<DnsAnswer<String>> txt(String name) {
        return query(name, Type.TXT, LookupSessionSpfDns::txtValue, null);
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
        return query(name, Type.A, r -> IpAddress.fromBytes(((ARecord) r).getAddress().getAddress()), null);
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
        return query(name, Type.AAAA, r -> IpAddress.fromBytes(((AAAARecord) r).getAddress().getAddress()), null);
    }

    @Override
    public CompletionStage<DnsAnswer<String>> mx(String name) {
        // RFC 7208 5.4: MX names in preference order; no implicit MX when there are none.
        return query(name, Type.MX, r -> ((MXRecord) r).getTarget().toString(true),
            Comparator.comparingInt(r -> ((MXRecord) r).getPriority()));
    }

    @Override
    public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
        return query(address.reverseName(), Type.PTR, r -> ((PTRRecord) r).getTarget().toString(true), null);
    }

    /** RFC 7208 3.3: the character-strings of one TXT record joined without spaces; bytes kept as ISO-8859-1. */
    private static String txtValue(Record record) {
        StringBuilder sb = new StringBuilder();
        for (byte[] s : ((TXTRecord) record).getStringsAsByteArrays()) {
            sb.append(new String(s, StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    private <T> CompletionStage<DnsAnswer<T>> query(String name, int type, Function<Record, T> value, Comparator<Record> order) {
        Name absolute;
        try {
            absolute = absoluteName(name);
        } catch (IOException e) {
            // The engine checks label and name lengths first; a name dnsjava still refuses cannot exist.
            return java.util.concurrent.CompletableFuture.completedFuture(DnsAnswer.nxDomain());
        }
        Session s = session();
        return s.lookups.lookupAsync(absolute, type, DClass.IN)
            .toCompletableFuture()
            .orTimeout(s.overall.toMillis(), TimeUnit.MILLISECONDS)
            .handle((result, error) -> buildResult(result, error, type, value, order));
    }

    /**
     * Builds the absolute name from its labels in wire form, so that any octet the engine
     * expanded (a space from {@code %_}, a backslash) is one label octet, never an escape.
     */
    public static Name absoluteName(String name) throws IOException {
        String n = DomainNames.stripDot(name);
        if (n.isEmpty()) {
            return Name.root;
        }
        byte[] text = n.getBytes(StandardCharsets.ISO_8859_1);
        byte[] wire = new byte[text.length + 2];
        int out = 0;
        int labelStart = 0;
        for (int i = 0; i <= text.length; i++) {
            if (i == text.length || text[i] == '.') {
                int len = i - labelStart;
                if (len == 0 || len > 63) {
                    throw new WireParseException("bad label length " + len + " in '" + name + "'");
                }
                wire[out++] = (byte) len;
                System.arraycopy(text, labelStart, wire, out, len);
                out += len;
                labelStart = i + 1;
            }
        }
        wire[out++] = 0;
        return new Name(new DNSInput(java.util.Arrays.copyOf(wire, out)));
    }

    /** Maps every dnsjava outcome to a {@link DnsAnswer}, in one place. */
    static <T> DnsAnswer<T> buildResult(LookupResult result, Throwable error, int type, Function<Record, T> value, Comparator<Record> order) {
        if (error == null) {
            List<Record> records = new ArrayList<>();
            for (Record r : result.getRecords()) {
                if (r.getType() == type) {
                    records.add(r);
                }
            }
            if (order != null) {
                records.sort(order);
            }
            List<T> values = new ArrayList<>(records.size());
            for (Record r : records) {
                values.add(value.apply(r));
            }
            return DnsAnswer.of(values);
        }
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof NoSuchDomainException) {
            return DnsAnswer.nxDomain();
        }
        if (cause instanceof NoSuchRRSetException) {
            return DnsAnswer.noData();
        }
        if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException) {
            return DnsAnswer.tempFail("timeout");
        }
        if (cause instanceof NioTransport.LocalFailure) {
            // the transport closed or could not open a socket: nothing was learnt about the name
            return DnsAnswer.localFailure(cause.getMessage());
        }
        // ServerFailedException (SERVFAIL, REFUSED...), RedirectOverflowException (CNAME loops),
        // InvalidZoneDataException, IOException: all may go away, so temperror (RFC 7208 2.6.6).
        return DnsAnswer.tempFail(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    @Override
    public String toString() {
        return "LookupSessionSpfDns{" + description + "}";
    }
}
