package org.jamesspf.james.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.SpfDns;

/** The resolver, with each query and its answer written down in the order sent. */
final class RecordingDns implements SpfDns {
    /** One query sent: what, when, and its answer once there. */
    private static final class Query {
        final String type;
        final String name;
        final long sentNanos;
        final CompletableFuture<? extends DnsAnswer<?>> answer;
        volatile long answeredNanos;

        Query(String type, String name, long sentNanos, CompletableFuture<? extends DnsAnswer<?>> answer) {
            this.type = type;
            this.name = name;
            this.sentNanos = sentNanos;
            this.answer = answer;
        }
    }

    private final SpfDns dns;
    private final List<Query> queries = new ArrayList<>();
    private final long started = System.nanoTime();

    RecordingDns(SpfDns dns) {
        this.dns = dns;
    }

    private <T> CompletionStage<DnsAnswer<T>> record(String type, String name, CompletionStage<DnsAnswer<T>> stage) {
        CompletableFuture<DnsAnswer<T>> future = stage.toCompletableFuture();
        Query query = new Query(type, name, System.nanoTime(), future);
        synchronized (this) {
            queries.add(query);
        }
        // the timestamp is set before the engine's own callbacks run on this future
        return future.whenComplete((a, e) -> query.answeredNanos = System.nanoTime());
    }

    synchronized List<Map<String, Object>> entries() {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Query q : queries) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", q.type);
            entry.put("name", q.name);
            entry.put("sentAtMs", (q.sentNanos - started) / 1_000_000.0);
            DnsAnswer<?> answer = q.answer.isDone() && !q.answer.isCompletedExceptionally() ? q.answer.join() : null;
            if (answer == null) {
                entry.put("answer", "NONE");
                entry.put("detail", "no answer before the check ended");
            } else {
                entry.put("answer", answer.kind().name());
                List<String> records = new ArrayList<>();
                for (Object r : answer.records()) {
                    records.add(r.toString());
                }
                entry.put("records", records);
                if (answer.kind() == DnsAnswer.Kind.TEMPFAIL) {
                    entry.put("detail", answer.detail());
                }
                entry.put("ms", Math.max(0, q.answeredNanos - q.sentNanos) / 1_000_000.0);
            }
            entries.add(entry);
        }
        return entries;
    }

    @Override
    public CompletionStage<DnsAnswer<String>> txt(String name) {
        return record("TXT", name, dns.txt(name));
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
        return record("A", name, dns.a(name));
    }

    @Override
    public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
        return record("AAAA", name, dns.aaaa(name));
    }

    @Override
    public CompletionStage<DnsAnswer<String>> mx(String name) {
        return record("MX", name, dns.mx(name));
    }

    @Override
    public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
        return record("PTR", address.toString(), dns.ptr(address));
    }
}
