package org.jamesspf.spf.dns;

import org.jamesspf.spf.DomainNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.IpAddress;

/**
 * Zone data held in memory, answering as an authoritative server would: a name that is not
 * there does not exist (NXDOMAIN), a name with records of other types only has no data.
 * Timeouts, server failures, hangs and CNAMEs are explicit. Immutable once built.
 */
public final class InMemoryZone implements SpfDns {
    /** Record types the zone holds. */
    public enum Type { A, AAAA, MX, PTR, TXT, CNAME }

    private static final int MAX_CNAME_CHAIN = 8;

    /** One entry of a name, in the order given. A {@code null} type means "any type". */
    private static final class Entry {
        final Type type;
        final Object value;
        final Marker marker;

        Entry(Type type, Object value, Marker marker) {
            this.type = type;
            this.value = value;
            this.marker = marker;
        }
    }

    private enum Marker { RECORD, TIMEOUT, SERVFAIL, HANG, NONE }

    private static final class Mx {
        final int preference;
        final String host;

        Mx(int preference, String host) {
            this.preference = preference;
            this.host = host;
        }
    }

    private final Map<String, List<Entry>> names;

    private InMemoryZone(Map<String, List<Entry>> names) {
        Map<String, List<Entry>> copy = new LinkedHashMap<>();
        names.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        this.names = Collections.unmodifiableMap(copy);
    }

    public static Builder builder() {
        return new Builder();
    }

    static String normalize(String name) {
        String n = Ascii.toLowerCase(name);
        return DomainNames.stripDot(n);
    }

    @Override
    public CompletionStage<DnsAnswer<String>> txt(String name) {
        return lookup(name, Type.TXT, String.class);
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
        return lookup(name, Type.A, IpAddress.class);
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
        return lookup(name, Type.AAAA, IpAddress.class);
    }

    @Override
    public CompletionStage<DnsAnswer<String>> mx(String name) {
        return lookup(name, Type.MX, Mx.class).thenApply(answer -> {
            if (answer.kind() != DnsAnswer.Kind.RECORDS) {
                return DnsAnswer.<String>copyKind(answer);
            }
            List<Mx> sorted = new ArrayList<>(answer.records());
            sorted.sort((x, y) -> Integer.compare(x.preference, y.preference));
            List<String> hosts = new ArrayList<>(sorted.size());
            for (Mx mx : sorted) {
                hosts.add(mx.host);
            }
            return DnsAnswer.of(hosts);
        });
    }

    @Override
    public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
        return lookup(address.reverseName(), Type.PTR, String.class);
    }

    /** Answers a query by name and type, as the stage the engine waits on. */
    public <T> CompletionStage<DnsAnswer<T>> lookup(String name, Type type, Class<T> valueType) {
        String current = normalize(name);
        for (int hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
            List<Entry> entries = names.get(current);
            if (entries == null) {
                return CompletableFuture.completedFuture(DnsAnswer.nxDomain());
            }
            List<T> found = new ArrayList<>(entries.size());
            String cname = null;
            for (Entry e : entries) {
                if (e.type != null && e.type != type && !(e.type == Type.CNAME && e.marker == Marker.RECORD)) {
                    continue;
                }
                switch (e.marker) {
                    case RECORD:
                        if (e.type == Type.CNAME && type != Type.CNAME) {
                            cname = (String) e.value;
                        } else {
                            found.add(valueType.cast(e.value));
                        }
                        break;
                    case NONE:
                        break;
                    case TIMEOUT:
                        // records listed before a TIMEOUT entry answer the query; otherwise it times out
                        if (found.isEmpty()) {
                            return CompletableFuture.completedFuture(DnsAnswer.tempFail("timeout: " + current + "/" + type));
                        }
                        return CompletableFuture.completedFuture(DnsAnswer.of(found));
                    case SERVFAIL:
                        return CompletableFuture.completedFuture(DnsAnswer.tempFail("SERVFAIL: " + current + "/" + type));
                    case HANG:
                        return new CompletableFuture<>();
                    default:
                        throw new AssertionError(e.marker);
                }
            }
            if (!found.isEmpty()) {
                return CompletableFuture.completedFuture(DnsAnswer.of(found));
            }
            if (cname == null) {
                return CompletableFuture.completedFuture(DnsAnswer.noData());
            }
            current = normalize(cname);
        }
        return CompletableFuture.completedFuture(DnsAnswer.tempFail("CNAME chain too long at " + current));
    }

    /** Builds a zone; names are case-insensitive, a trailing dot is optional. */
    public static final class Builder {
        private final Map<String, List<Entry>> names = new LinkedHashMap<>();

        private Builder() {
        }

        private Builder add(String name, Type type, Object value, Marker marker) {
            Objects.requireNonNull(name, "name");
            names.computeIfAbsent(normalize(name), k -> new ArrayList<>()).add(new Entry(type, value, marker));
            return this;
        }

        public Builder a(String name, String address) {
            IpAddress ip = IpAddress.parse(address);
            if (ip.isV6()) {
                throw new IllegalArgumentException("A record needs an IPv4 address: '" + address + "'");
            }
            return add(name, Type.A, ip, Marker.RECORD);
        }

        public Builder aaaa(String name, String address) {
            IpAddress ip = IpAddress.parse(address);
            if (!ip.isV6()) {
                throw new IllegalArgumentException("AAAA record needs an IPv6 address: '" + address + "'");
            }
            return add(name, Type.AAAA, ip, Marker.RECORD);
        }

        public Builder mx(String name, int preference, String host) {
            return add(name, Type.MX, new Mx(preference, normalize(host)), Marker.RECORD);
        }

        public Builder ptr(String name, String host) {
            return add(name, Type.PTR, normalize(host), Marker.RECORD);
        }

        /** A PTR record for {@code address}'s reverse name. */
        public Builder ptr(IpAddress address, String host) {
            return ptr(address.reverseName(), host);
        }

        /** One TXT record of the given character-strings, joined without spaces (RFC 7208 3.3). */
        public Builder txt(String name, String... strings) {
            return add(name, Type.TXT, String.join("", strings), Marker.RECORD);
        }

        public Builder cname(String name, String target) {
            return add(name, Type.CNAME, target, Marker.RECORD);
        }

        /** The name exists; records of {@code type} are absent (and nothing is added). */
        public Builder none(String name, Type type) {
            return add(name, type, null, Marker.NONE);
        }

        /** Queries of any type for {@code name} time out (records listed before still answer). */
        public Builder timeout(String name) {
            return add(name, null, null, Marker.TIMEOUT);
        }

        public Builder timeout(String name, Type type) {
            return add(name, Objects.requireNonNull(type, "type"), null, Marker.TIMEOUT);
        }

        public Builder serverFailure(String name, Type type) {
            return add(name, Objects.requireNonNull(type, "type"), null, Marker.SERVFAIL);
        }

        /** Queries for {@code name} of {@code type} never complete: for time-budget tests. */
        public Builder hang(String name, Type type) {
            return add(name, Objects.requireNonNull(type, "type"), null, Marker.HANG);
        }

        public InMemoryZone build() {
            return new InMemoryZone(names);
        }
    }
}
