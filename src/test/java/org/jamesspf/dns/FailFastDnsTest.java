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
    static final class FailingDns implements SpfDns {
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
    @DisplayName("a slow failure under a registered domain answers its other names at once, until the TTL passes")
    void slowFailureRemembered() {
        AtomicLong clock = new AtomicLong();
        FailingDns slow = new FailingDns(clock, Duration.ofSeconds(5));
        FailFastDns dns = new FailFastDns(slow, Duration.ofMillis(200), Duration.ofSeconds(60), clock::get);
        assertThat(dns.txt("a.stalled.co.uk").toCompletableFuture().join().kind()).isEqualTo(DnsAnswer.Kind.TEMPFAIL);
        assertThat(slow.lookups.get()).isEqualTo(1);
        assertThat(dns.isFailing("other.stalled.co.uk")).isTrue();
        DnsAnswer<?> fast = dns.a("mx.stalled.co.uk").toCompletableFuture().join();
        assertThat(fast.kind()).isEqualTo(DnsAnswer.Kind.TEMPFAIL);
        assertThat(fast.detail()).contains("stalled.co.uk timed out recently");
        assertThat(slow.lookups.get()).as("answered without a lookup").isEqualTo(1);
        assertThat(dns.isFailing("example.co.uk")).as("another registered domain").isFalse();
        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        dns.txt("a.stalled.co.uk");
        assertThat(slow.lookups.get()).as("after the TTL it is asked again").isEqualTo(2);
    }

    @Test
    @DisplayName("a quick failure (SERVFAIL) is not remembered; a TTL of 0 remembers nothing")
    void quickFailureForgotten() {
        AtomicLong clock = new AtomicLong();
        FailingDns quick = new FailingDns(clock, Duration.ofMillis(5));
        FailFastDns dns = new FailFastDns(quick, Duration.ofMillis(200), Duration.ofSeconds(60), clock::get);
        dns.txt("a.example.com");
        dns.txt("a.example.com");
        assertThat(quick.lookups.get()).isEqualTo(2);
        FailingDns slow = new FailingDns(clock, Duration.ofSeconds(5));
        FailFastDns off = new FailFastDns(slow, Duration.ofMillis(200), Duration.ZERO, clock::get);
        off.txt("a.example.com");
        off.txt("a.example.com");
        assertThat(slow.lookups.get()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @DisplayName("registered domain: public suffix plus one (PSL), else the last two labels")
    @CsvSource({
        "mail.example.com, example.com",
        "a.b.example.co.uk, example.co.uk",
        "Example.COM., example.com",
        "s1.stalled-zone.test, stalled-zone.test",
        "_spf.example.com, example.com",
        "x, x",
        "192.0.2.1, 2.1",
        "a;b.example.com, example.com"})
    void registeredDomain(String name, String expected) {
        assertThat(FailFastDns.registeredDomain(name)).isEqualTo(expected);
    }
}
