package org.jamesspf.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.impl.SPF;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.SpfDns;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The engine beside Apache jSPF 1.0.5 on the same {@link Corpus}, both over zero-latency
 * in-memory DNS that hands out fresh strings per lookup, as real DNS does. One operation is one
 * check; each invocation runs every corpus query once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dlogback.configurationFile=src/bench/resources/logback.xml"})
public class EngineBenchmark {
    static final Corpus CORPUS = Corpus.build();
    static final int QUERIES = CORPUS.queries.size();

    private SpfChecker engine;
    private SPF jspf;
    private List<CheckRequest> requests;

    @Setup
    public void setUp() {
        engine = engine(CORPUS);
        jspf = jspf(CORPUS);
        requests = requests(CORPUS);
    }

    static SpfChecker engine(Corpus corpus) {
        // as the hook runs it: tracing off (the hook traces only at DEBUG)
        return SpfChecker.builder(new CorpusDns(corpus)).tracing(false).build();
    }

    static SPF jspf(Corpus corpus) {
        SPF spf = new SPF(new JspfDns(corpus));
        spf.setUseBestGuess(false);
        return spf;
    }

    static List<CheckRequest> requests(Corpus corpus) {
        List<CheckRequest> list = new ArrayList<>();
        for (Corpus.Query q : corpus.queries) {
            list.add(CheckRequest.mailFrom(IpAddress.parse(q.ip), q.sender, q.helo));
        }
        return list;
    }

    @Benchmark
    @OperationsPerInvocation(Corpus.QUERY_COUNT_HINT)
    public void jamesSpf(Blackhole bh) {
        for (CheckRequest r : requests) {
            bh.consume(engine.checkHost(r).result());
        }
    }

    @Benchmark
    @OperationsPerInvocation(Corpus.QUERY_COUNT_HINT)
    public void apacheJspf(Blackhole bh) {
        for (Corpus.Query q : CORPUS.queries) {
            bh.consume(jspf.checkSPF(q.ip, q.sender, q.helo).getResult());
        }
    }

    /**
     * A new String per answer, made as a DNS decoder makes it: from the record's octets (encoded
     * once, outside the measurement), one byte[] copy and one String. The same for both engines.
     */
    static String fresh(String s) {
        byte[] octets = OCTETS.computeIfAbsent(s, k -> k.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        return new String(octets, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, byte[]> OCTETS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The corpus for the engine, as lean as {@link JspfDns} is for jSPF: per lookup one list of
     * fresh strings (or addresses made from their octets, as a decoder makes them), one answer, one
     * completed stage; NXDOMAIN for absent names, no data for absent types.
     */
    static final class CorpusDns implements SpfDns {
        private final Corpus corpus;
        private final java.util.Map<String, List<byte[]>> a = new java.util.HashMap<>();
        private final java.util.Map<String, List<byte[]>> aaaa = new java.util.HashMap<>();
        private final java.util.Set<String> names = new java.util.HashSet<>();

        CorpusDns(Corpus corpus) {
            this.corpus = corpus;
            corpus.records.forEach((type, byName) -> names.addAll(byName.keySet()));
            corpus.records.get("A").forEach((n, vs) -> a.put(n, octets(vs)));
            corpus.records.get("AAAA").forEach((n, vs) -> aaaa.put(n, octets(vs)));
        }

        private static List<byte[]> octets(List<String> ips) {
            List<byte[]> list = new ArrayList<>();
            for (String ip : ips) {
                list.add(IpAddress.parse(ip).toBytes());
            }
            return list;
        }

        private static String key(String name) {
            String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
            for (int i = 0; i < n.length(); i++) {
                char c = n.charAt(i);
                if (c >= 'A' && c <= 'Z') {
                    return n.toLowerCase(Locale.ROOT);
                }
            }
            return n;
        }

        private <T> CompletionStage<DnsAnswer<T>> absent(String key) {
            return CompletableFuture.completedFuture(names.contains(key) ? DnsAnswer.noData() : DnsAnswer.nxDomain());
        }

        private CompletionStage<DnsAnswer<String>> strings(String type, String name) {
            String key = key(name);
            List<String> values = corpus.records.get(type).get(key);
            if (values == null) {
                return absent(key);
            }
            List<String> fresh = new ArrayList<>(values.size());
            for (String v : values) {
                fresh.add(fresh(v));
            }
            return CompletableFuture.completedFuture(DnsAnswer.of(fresh));
        }

        private CompletionStage<DnsAnswer<IpAddress>> addresses(java.util.Map<String, List<byte[]>> table, String name) {
            String key = key(name);
            List<byte[]> values = table.get(key);
            if (values == null) {
                return absent(key);
            }
            List<IpAddress> fresh = new ArrayList<>(values.size());
            for (byte[] v : values) {
                fresh.add(IpAddress.fromBytes(v));
            }
            return CompletableFuture.completedFuture(DnsAnswer.of(fresh));
        }

        @Override
        public CompletionStage<DnsAnswer<String>> txt(String name) {
            return strings("TXT", name);
        }

        @Override
        public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
            return addresses(a, name);
        }

        @Override
        public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
            return addresses(aaaa, name);
        }

        @Override
        public CompletionStage<DnsAnswer<String>> mx(String name) {
            return strings("MX", name);
        }

        @Override
        public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
            return strings("PTR", address.toString());
        }
    }

    /** The corpus for jSPF's DNSService: records as strings, fresh per lookup; null for none (jSPF's convention). */
    static final class JspfDns implements org.apache.james.jspf.core.DNSService {
        private final Corpus corpus;

        JspfDns(Corpus corpus) {
            this.corpus = corpus;
        }

        @Override
        public List<String> getRecords(DNSRequest request) {
            String type;
            switch (request.getRecordType()) {
                case DNSRequest.A:
                    type = "A";
                    break;
                case DNSRequest.AAAA:
                    type = "AAAA";
                    break;
                case DNSRequest.MX:
                    type = "MX";
                    break;
                case DNSRequest.PTR:
                    type = "PTR";
                    break;
                case DNSRequest.TXT:
                    type = "TXT";
                    break;
                default:
                    return null;
            }
            String name = request.getHostname().toLowerCase(Locale.ROOT);
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            if (type.equals("PTR")) {
                name = fromReverse(name);
            }
            List<String> values = corpus.records.get(type).get(name);
            if (values == null) {
                return null;
            }
            List<String> copy = new ArrayList<>(values.size());
            for (String v : values) {
                copy.add(fresh(v));
            }
            return copy;
        }

        /** 5.2.0.192.in-addr.arpa -> 192.0.2.5 (the corpus has IPv4 PTR only). */
        private static String fromReverse(String name) {
            if (!name.endsWith(".in-addr.arpa")) {
                return name;
            }
            String[] p = name.substring(0, name.length() - ".in-addr.arpa".length()).split("\\.");
            StringBuilder sb = new StringBuilder();
            for (int i = p.length - 1; i >= 0; i--) {
                sb.append(p[i]).append(i > 0 ? "." : "");
            }
            return sb.toString();
        }

        @Override
        public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
            return CompletableFuture.completedFuture(getRecords(request));
        }

        @Override
        public List<String> getLocalDomainNames() {
            return List.of("localhost");
        }

        @Override
        public void setTimeOut(int timeOut) {
        }

        @Override
        public int getRecordLimit() {
            return 10;
        }

        @Override
        public void setRecordLimit(int recordLimit) {
        }
    }
}
