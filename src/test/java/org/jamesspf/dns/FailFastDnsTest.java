package org.jamesspf.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.SpfDns;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Remembering DNS that times out, per registered domain, on a clock the test moves. */
class FailFastDnsTest {
    /** Every lookup fails after the test clock moved by {@code took}; counts lookups. */
    static class FailingDns implements SpfDns {
        final AtomicLong clock;
        final long tookNanos;
        final AtomicInteger lookups = new AtomicInteger();

        FailingDns(AtomicLong clock, Duration took) {
            this.clock = clock;
            this.tookNanos = took.toNanos();
        }

        private <T> CompletionStage<DnsAnswer<T>> fail() {
            lookups.incrementAndGet();
            clock.addAndGet(tookNanos);
            return CompletableFuture.completedFuture(DnsAnswer.tempFail("timeout"));
        }

        @Override
        public CompletionStage<DnsAnswer<String>> txt(String name) {
            return fail();
        }

        @Override
        public CompletionStage<DnsAnswer<IpAddress>> a(String name) {
            return fail();
        }

        @Override
        public CompletionStage<DnsAnswer<IpAddress>> aaaa(String name) {
            return fail();
        }

        @Override
        public CompletionStage<DnsAnswer<String>> mx(String name) {
            return fail();
        }

        @Override
        public CompletionStage<DnsAnswer<String>> ptr(IpAddress address) {
            return fail();
        }
    }

    @Test
    @DisplayName("a slow failure is remembered per name and type, until the TTL passes; its neighbours are still asked")
    void slowFailureRememberedPerName() {
        AtomicLong clock = new AtomicLong();
        FailingDns slow = new FailingDns(clock, Duration.ofSeconds(5));
        FailFastDns dns = new FailFastDns(slow, Duration.ofSeconds(5), Duration.ofSeconds(60), clock::get);
        assertThat(dns.txt("a.stalled.co.uk").toCompletableFuture().join().kind()).isEqualTo(DnsAnswer.Kind.TEMPFAIL);
        assertThat(slow.lookups.get()).isEqualTo(1);
        DnsAnswer<?> again = dns.txt("A.stalled.co.uk.").toCompletableFuture().join();
        assertThat(again.detail()).contains("timed out recently");
        assertThat(slow.lookups.get()).as("answered without a lookup").isEqualTo(1);
        dns.a("a.stalled.co.uk");
        assertThat(slow.lookups.get()).as("another type of the name is asked").isEqualTo(2);
        dns.txt("b.stalled.co.uk");
        assertThat(slow.lookups.get()).as("a neighbour is asked").isEqualTo(3);
        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        dns.txt("a.stalled.co.uk");
        assertThat(slow.lookups.get()).as("after the TTL it is asked again").isEqualTo(4);
    }

    @Test
    @DisplayName("three distinct names of one registered domain failing slowly: the whole domain answers at once, no other")
    void widenedAfterSeveralNames() {
        AtomicLong clock = new AtomicLong();
        FailingDns slow = new FailingDns(clock, Duration.ofSeconds(5));
        FailFastDns dns = new FailFastDns(slow, Duration.ofSeconds(5), Duration.ofSeconds(60), clock::get);
        dns.txt("a.stalled.co.uk");
        dns.txt("b.stalled.co.uk");
        dns.txt("b.stalled.co.uk");
        assertThat(slow.lookups.get()).isEqualTo(2);
        dns.mx("c.stalled.co.uk");
        assertThat(slow.lookups.get()).isEqualTo(3);
        DnsAnswer<?> fast = dns.a("mx.stalled.co.uk").toCompletableFuture().join();
        assertThat(fast.detail()).contains("under stalled.co.uk timed out recently");
        assertThat(slow.lookups.get()).as("the domain is remembered").isEqualTo(3);
        dns.txt("example.co.uk");
        assertThat(slow.lookups.get()).as("another registered domain is asked").isEqualTo(4);
    }

    @Test
    @DisplayName("a '_' label does not widen a memory to a public suffix: _x.evil.co.uk never stops _spf.victim.co.uk")
    void underscoreLabelsStayUnderTheirOwner() {
        AtomicLong clock = new AtomicLong();
        FailingDns slow = new FailingDns(clock, Duration.ofSeconds(5));
        FailFastDns dns = new FailFastDns(slow, Duration.ofSeconds(5), Duration.ofSeconds(60), clock::get);
        for (String name : new String[] {"_x.evil.co.uk", "_y.evil.co.uk", "_z.evil.co.uk"}) {
            dns.txt(name);
        }
        assertThat(dns.txt("_q.evil.co.uk").toCompletableFuture().join().detail()).contains("under evil.co.uk");
        int before = slow.lookups.get();
        dns.txt("_spf.victim.co.uk");
        assertThat(slow.lookups.get()).as("victim.co.uk is asked").isEqualTo(before + 1);
    }

    @Test
    @DisplayName("a failure quicker than the query timeout (SERVFAIL after 250 ms), or a local one, is not remembered; TTL 0: nothing")
    void quickFailureForgotten() {
        AtomicLong clock = new AtomicLong();
        FailingDns quick = new FailingDns(clock, Duration.ofMillis(250));
        FailFastDns dns = new FailFastDns(quick, Duration.ofSeconds(5), Duration.ofSeconds(60), clock::get);
        dns.txt("a.example.com");
        dns.txt("a.example.com");
        assertThat(quick.lookups.get()).isEqualTo(2);
        FailingDns slow = new FailingDns(clock, Duration.ofSeconds(5));
        FailFastDns off = new FailFastDns(slow, Duration.ofSeconds(5), Duration.ZERO, clock::get);
        off.txt("a.example.com");
        off.txt("a.example.com");
        assertThat(slow.lookups.get()).isEqualTo(2);
        SpfDns local = new FailingDns(clock, Duration.ofSeconds(5)) {
            @Override
            public CompletionStage<DnsAnswer<String>> txt(String name) {
                super.txt(name);
                return CompletableFuture.completedFuture(DnsAnswer.localFailure("lookup pool saturated"));
            }
        };
        FailFastDns localDns = new FailFastDns(local, Duration.ofSeconds(5), Duration.ofSeconds(60), clock::get);
        localDns.txt("a.example.com");
        assertThat(localDns.txt("a.example.com").toCompletableFuture().join().detail()).isEqualTo("lookup pool saturated");
    }

    @Test
    @DisplayName("the read-only view (explain route, lookups sent ahead) reads the memory and never adds to it")
    void readOnlyView() {
        AtomicLong clock = new AtomicLong();
        FailingDns slow = new FailingDns(clock, Duration.ofSeconds(5));
        FailFastDns dns = new FailFastDns(slow, Duration.ofSeconds(5), Duration.ofSeconds(60), clock::get);
        dns.readOnly().txt("a.example.com");
        dns.speculative().txt("a.example.com");
        dns.txt("a.example.com");
        assertThat(slow.lookups.get()).as("nothing remembered from the views").isEqualTo(3);
        dns.readOnly().txt("a.example.com");
        assertThat(slow.lookups.get()).as("the view reads what checks learnt").isEqualTo(3);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @DisplayName("registered domain: public suffix plus one (PSL), labels Guava refuses dropped from the left, else the last two labels")
    @CsvSource({
        "mail.example.com, example.com",
        "a.b.example.co.uk, example.co.uk",
        "Example.COM., example.com",
        "s1.stalled-zone.test, stalled-zone.test",
        "_spf.example.com, example.com",
        "_spf.victim.co.uk, victim.co.uk",
        "_x._y.evil.co.uk, evil.co.uk",
        "a_b.example.com, example.com",
        "_dmarc.co.uk, co.uk",
        "co.uk, co.uk",
        "x, x",
        "_x, _x",
        "192.0.2.1, 192.0.2.1",
        "a;b.example.com, example.com",
        "a b.example.org, example.org"})
    void registeredDomain(String name, String expected) {
        assertThat(RegisteredDomains.of(name)).isEqualTo(expected);
    }
}
