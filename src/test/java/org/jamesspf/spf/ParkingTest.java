package org.jamesspf.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.ForwardingDns;
import org.jamesspf.spf.dns.InMemoryZone;
import org.jamesspf.spf.dns.SpfDns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** An evaluation waiting for DNS holds no thread: it is parked, and resumes when its answer comes. */
class ParkingTest {
    private EngineThreads threads;

    @AfterEach
    void stop() {
        if (threads != null) {
            threads.close();
        }
    }

    /** Holds every answer of a zone until released; counts the queries sent. */
    static final class HeldDns extends ForwardingDns {
        final AtomicInteger queries = new AtomicInteger();
        final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();

        HeldDns(SpfDns zone) {
            super(zone);
        }

        @Override
        protected <T> CompletionStage<DnsAnswer<T>> around(String name, Supplier<CompletionStage<DnsAnswer<T>>> lookup) {
            queries.incrementAndGet();
            CompletableFuture<DnsAnswer<T>> answer = new CompletableFuture<>();
            held.add(() -> lookup.get().whenComplete((a, e) -> answer.complete(a)));
            return answer;
        }

        /** Releases the answers held now; returns how many. */
        int release() {
            int n = 0;
            Runnable r;
            while ((r = held.poll()) != null) {
                r.run();
                n++;
            }
            return n;
        }
    }

    private static InMemoryZone zone(int senders) {
        InMemoryZone.Builder zone = InMemoryZone.builder()
            .txt("spf.provider.example", "v=spf1 ip4:192.0.2.0/24 a:mail.provider.example ~all")
            .a("mail.provider.example", "198.51.100.7");
        for (int i = 0; i < senders; i++) {
            zone.txt("d" + i + ".example", "v=spf1 include:spf.provider.example mx -all").mx("d" + i + ".example", 10, "mx.d" + i + ".example")
                .a("mx.d" + i + ".example", "203.0.113." + (i % 250));
        }
        return zone.build();
    }

    @Test
    @DisplayName("1,000 evaluations in flight at once on one engine thread, none holding it; results as sequential")
    void manyInFlightOnOneThread() {
        int senders = 1000;
        InMemoryZone zone = zone(senders);
        HeldDns dns = new HeldDns(zone);
        threads = EngineThreads.start("parking-test", 1);
        SpfChecker checker = SpfChecker.builder(dns).threads(threads).fetchAhead(false).build();
        List<CompletableFuture<CheckOutcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            outcomes.add(checker.checkHostAsync(request(i)).toCompletableFuture());
        }
        // every evaluation has sent its first query and none has an answer: all 1,000 wait at once,
        // although one thread runs them all (a blocking evaluation would hold it: one at a time)
        assertThat(dns.queries.get()).isEqualTo(senders);
        assertThat(outcomes).noneMatch(CompletableFuture::isDone);
        int released = 0;
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!outcomes.stream().allMatch(CompletableFuture::isDone) && System.nanoTime() < guard) {
            released += dns.release();
            Thread.yield();
        }
        assertThat(released).isPositive();
        SpfChecker sequential = SpfChecker.builder(zone).build();
        for (int i = 0; i < senders; i++) {
            assertThat(outcomes.get(i).join()).as("sender " + i).isEqualTo(sequential.checkHost(request(i)));
        }
    }

    private static CheckRequest request(int i) {
        return CheckRequest.mailFrom(IpAddress.parse(i % 3 == 0 ? "198.51.100.7" : "203.0.113." + (i % 250)), "u@d" + i + ".example",
            "h.example.org");
    }

    @Test
    @DisplayName("4.6.4: an answer that never comes ends the check at its time budget, by the engine's timer")
    void budgetEndsAParkedCheck() {
        InMemoryZone zone = InMemoryZone.builder().txt("example.com", "v=spf1 a:hang.example.com -all")
            .hang("hang.example.com", InMemoryZone.Type.A).build();
        threads = EngineThreads.start("parking-test", 1);
        SpfChecker checker = SpfChecker.builder(zone).threads(threads).limits(Limits.defaults().withTimeBudget(Duration.ofMillis(100)))
            .build();
        CompletableFuture<CheckOutcome> outcome = checker.checkHostAsync(CheckRequest.mailFrom(CLIENT, "x@example.com", "h"))
            .toCompletableFuture();
        CheckOutcome done = outcome.orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(done.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(done.reason()).isEqualTo(Reason.TIME_BUDGET);
    }

    private static final IpAddress CLIENT = IpAddress.parse("192.0.2.1");

    @Test
    @DisplayName("an adapter that throws, at once or later, ends the evaluation: its future always completes")
    void faultsCompleteTheFuture() {
        SpfDns throwing = new ForwardingDns(InMemoryZone.builder().txt("example.com", "v=spf1 a:x.example.com -all").build()) {
            @Override
            protected <T> CompletionStage<DnsAnswer<T>> around(String name, Supplier<CompletionStage<DnsAnswer<T>>> lookup) {
                if (name.startsWith("x.")) {
                    throw new IllegalStateException("adapter bug");
                }
                return lookup.get();
            }
        };
        SpfChecker checker = SpfChecker.builder(throwing).build();
        CompletableFuture<CheckOutcome> outcome = checker.checkHostAsync(CheckRequest.mailFrom(CLIENT, "x@example.com", "h"))
            .toCompletableFuture();
        assertThat(outcome).isCompletedExceptionally();
        assertThatThrownBy(outcome::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> checker.checkHost(CheckRequest.mailFrom(CLIENT, "x@example.com", "h")))
            .isInstanceOf(IllegalStateException.class);

        SpfDns erring = new ForwardingDns(InMemoryZone.builder().txt("example.com", "v=spf1 a:x.example.com -all").build()) {
            @Override
            protected <T> CompletionStage<DnsAnswer<T>> around(String name, Supplier<CompletionStage<DnsAnswer<T>>> lookup) {
                if (name.startsWith("x.")) {
                    throw new AssertionError("an Error, not an exception");
                }
                return lookup.get();
            }
        };
        CompletableFuture<CheckOutcome> error = SpfChecker.builder(erring).build()
            .checkHostAsync(CheckRequest.mailFrom(CLIENT, "x@example.com", "h")).toCompletableFuture();
        assertThat(error).isCompletedExceptionally();
    }

    @Test
    @DisplayName("a parked check whose engine threads are stopped ends as temperror, not never")
    void stoppedEngine() {
        HeldDns dns = new HeldDns(InMemoryZone.builder().txt("example.com", "v=spf1 -all").build());
        threads = EngineThreads.start("parking-test", 1);
        CompletableFuture<CheckOutcome> outcome = SpfChecker.builder(dns).threads(threads).build()
            .checkHostAsync(CheckRequest.mailFrom(CLIENT, "x@example.com", "h")).toCompletableFuture();
        threads.close();
        dns.release();
        CheckOutcome done = outcome.orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(done.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(done.reason()).isEqualTo(Reason.INTERNAL_ERROR);
    }
}
