package org.jamesspf.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.jamesspf.spf.dns.InMemoryZone;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 7208 5: each mechanism's matching, table-driven over one zone. */
class MechanismTest {
    private static final InMemoryZone BASE = InMemoryZone.builder()
        .a("host.example.net", "192.0.2.10")
        .aaaa("host.example.net", "2001:db8::10")
        .a("other.example.net", "198.51.100.1")
        .mx("mail.example.net", 10, "host.example.net")
        .mx("mail.example.net", 20, "other.example.net")
        .a("nomx.example.net", "192.0.2.10")
        .ptr(IpAddress.parse("192.0.2.10"), "host.example.net")
        .ptr(IpAddress.parse("192.0.2.10"), "liar.example.org")
        .a("liar.example.org", "203.0.113.1")
        .ptr(IpAddress.parse("2001:db8::10"), "host.example.net")
        .a("exists.example.net", "127.0.0.2")
        .txt("pass.example.net", "v=spf1 +all")
        .txt("fail.example.net", "v=spf1 -all")
        .txt("neutral.example.net", "v=spf1 ?all")
        .txt("broken.example.net", "v=spf1 foo")
        .timeout("slow.example.net")
        .build();

    static Stream<Arguments> table() {
        return Stream.of(
            // record, client ip, expected result
            Arguments.of("5.1", "v=spf1 -all", "192.0.2.10", SpfResult.FAIL),
            Arguments.of("5.1", "v=spf1 all", "192.0.2.10", SpfResult.PASS),
            Arguments.of("4.7", "v=spf1", "192.0.2.10", SpfResult.NEUTRAL),
            Arguments.of("5.3", "v=spf1 a:host.example.net -all", "192.0.2.10", SpfResult.PASS),
            Arguments.of("5.3", "v=spf1 a:host.example.net -all", "192.0.2.11", SpfResult.FAIL),
            Arguments.of("5.3", "v=spf1 a:host.example.net/24 -all", "192.0.2.11", SpfResult.PASS),
            Arguments.of("5.3", "v=spf1 a:host.example.net -all", "2001:db8::10", SpfResult.PASS),
            Arguments.of("5.3", "v=spf1 a:host.example.net//120 -all", "2001:db8::ff", SpfResult.PASS),
            Arguments.of("5.3", "v=spf1 a:host.example.net//127 -all", "2001:db8::ff", SpfResult.FAIL),
            Arguments.of("5.3", "v=spf1 a:slow.example.net -all", "192.0.2.10", SpfResult.TEMPERROR),
            Arguments.of("5.4", "v=spf1 mx:mail.example.net -all", "198.51.100.1", SpfResult.PASS),
            Arguments.of("5.4", "v=spf1 mx:mail.example.net -all", "2001:db8::10", SpfResult.PASS),
            Arguments.of("5.4", "v=spf1 mx:nomx.example.net -all", "192.0.2.10", SpfResult.FAIL),
            Arguments.of("5.5", "v=spf1 ptr:example.net -all", "192.0.2.10", SpfResult.PASS),
            Arguments.of("5.5", "v=spf1 ptr:host.example.net -all", "192.0.2.10", SpfResult.PASS),
            Arguments.of("5.5", "v=spf1 ptr:example.org -all", "192.0.2.10", SpfResult.FAIL),
            Arguments.of("5.5", "v=spf1 ptr:ost.example.net -all", "192.0.2.10", SpfResult.FAIL),
            Arguments.of("5.5", "v=spf1 ptr:example.net -all", "2001:db8::10", SpfResult.PASS),
            Arguments.of("5.6", "v=spf1 ip4:192.0.2.0/24 -all", "192.0.2.200", SpfResult.PASS),
            Arguments.of("5.6", "v=spf1 ip4:192.0.2.0/24 -all", "192.0.3.1", SpfResult.FAIL),
            Arguments.of("5.6", "v=spf1 ip4:192.0.2.0/24 -all", "2001:db8::1", SpfResult.FAIL),
            Arguments.of("5.6", "v=spf1 ip6:2001:db8::/32 -all", "2001:db8:ffff::1", SpfResult.PASS),
            Arguments.of("5.6", "v=spf1 ip6:::ffff:0:0/96 -all", "192.0.2.1", SpfResult.FAIL),
            Arguments.of("5", "v=spf1 ip4:192.0.2.1 -all", "::ffff:192.0.2.1", SpfResult.PASS),
            Arguments.of("5.7", "v=spf1 exists:exists.example.net -all", "192.0.2.99", SpfResult.PASS),
            Arguments.of("5.7", "v=spf1 exists:exists.example.net -all", "2001:db8::99", SpfResult.PASS),
            Arguments.of("5.7", "v=spf1 exists:missing.example.net -all", "192.0.2.99", SpfResult.FAIL),
            Arguments.of("5.2", "v=spf1 include:pass.example.net -all", "192.0.2.99", SpfResult.PASS),
            Arguments.of("5.2", "v=spf1 include:fail.example.net ~all", "192.0.2.99", SpfResult.SOFTFAIL),
            Arguments.of("5.2", "v=spf1 include:neutral.example.net -all", "192.0.2.99", SpfResult.FAIL),
            Arguments.of("5.2", "v=spf1 -include:pass.example.net +all", "192.0.2.99", SpfResult.FAIL),
            Arguments.of("5.2", "v=spf1 include:broken.example.net +all", "192.0.2.99", SpfResult.PERMERROR),
            Arguments.of("5.2", "v=spf1 include:missing.example.net +all", "192.0.2.99", SpfResult.PERMERROR),
            Arguments.of("5.2", "v=spf1 include:slow.example.net +all", "192.0.2.99", SpfResult.TEMPERROR),
            Arguments.of("6.1", "v=spf1 redirect=pass.example.net", "192.0.2.99", SpfResult.PASS),
            Arguments.of("6.1", "v=spf1 redirect=missing.example.net", "192.0.2.99", SpfResult.PERMERROR),
            Arguments.of("6.1", "v=spf1 ip4:192.0.2.99 redirect=fail.example.net", "192.0.2.99", SpfResult.PASS),
            Arguments.of("6.1", "v=spf1 -all redirect=pass.example.net", "192.0.2.99", SpfResult.FAIL),
            Arguments.of("4.6", "v=spf1 +all foo", "192.0.2.99", SpfResult.PERMERROR));
    }

    @ParameterizedTest(name = "{0}: ''{1}'' for {2} -> {3}")
    @MethodSource("table")
    void evaluates(String section, String record, String ip, SpfResult expected) {
        InMemoryZone zone = InMemoryZone.builder().txt("example.com", record).build();
        SpfChecker checker = SpfChecker.builder(merge(zone)).build();
        CheckOutcome outcome = checker.checkHost(CheckRequest.mailFrom(IpAddress.parse(ip), "a@example.com", "h.example.org"));
        assertThat(outcome.result()).as("record '%s' for %s: %s", record, ip, outcome).isEqualTo(expected);
    }

    /** The base zone plus example.com's record: example.com is answered first, the rest by BASE. */
    private static org.jamesspf.spf.dns.SpfDns merge(InMemoryZone record) {
        return new org.jamesspf.spf.dns.SpfDns() {
            @Override
            public java.util.concurrent.CompletionStage<org.jamesspf.spf.dns.DnsAnswer<String>> txt(String name) {
                return name.equals("example.com") ? record.txt(name) : BASE.txt(name);
            }

            @Override
            public java.util.concurrent.CompletionStage<org.jamesspf.spf.dns.DnsAnswer<IpAddress>> a(String name) {
                return BASE.a(name);
            }

            @Override
            public java.util.concurrent.CompletionStage<org.jamesspf.spf.dns.DnsAnswer<IpAddress>> aaaa(String name) {
                return BASE.aaaa(name);
            }

            @Override
            public java.util.concurrent.CompletionStage<org.jamesspf.spf.dns.DnsAnswer<String>> mx(String name) {
                return BASE.mx(name);
            }

            @Override
            public java.util.concurrent.CompletionStage<org.jamesspf.spf.dns.DnsAnswer<String>> ptr(IpAddress address) {
                return BASE.ptr(address);
            }
        };
    }

    @Test
    @DisplayName("5: a failed MX host address lookup is temperror, even when a later host would match")
    void mxHostLookupFailureIsTempError() {
        InMemoryZone zone = InMemoryZone.builder().txt("example.com", "v=spf1 mx -all")
            .mx("example.com", 10, "down.example.com").mx("example.com", 20, "up.example.com")
            .serverFailure("down.example.com", InMemoryZone.Type.A).a("up.example.com", "192.0.2.10").build();
        CheckOutcome outcome = SpfChecker.builder(zone).build()
            .checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.10"), "a@example.com", "h.example.org"));
        assertThat(outcome.result()).as(outcome.toString()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(outcome.reason()).isEqualTo(Reason.DNS_TEMPFAIL);
        // the matching host first: pass, the failing one is never needed
        InMemoryZone upFirst = InMemoryZone.builder().txt("example.com", "v=spf1 mx -all")
            .mx("example.com", 10, "up.example.com").mx("example.com", 20, "down.example.com")
            .serverFailure("down.example.com", InMemoryZone.Type.A).a("up.example.com", "192.0.2.10").build();
        assertThat(SpfChecker.builder(upFirst).build()
            .checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.10"), "a@example.com", "h.example.org")).result())
            .isEqualTo(SpfResult.PASS);
    }

    @Test
    @DisplayName("the parse cache is bounded by characters, and long records are never cached")
    void parseCacheIsBoundedBySize() {
        java.util.Map<String, String> records = new java.util.HashMap<>();
        InMemoryZone.Builder builder = InMemoryZone.builder();
        for (int i = 0; i < 2000; i++) {
            String record = "v=spf1 ip4:192.0.2." + (i % 250) + " a:" + "x".repeat(400) + i + ".example -all";
            builder.txt("d" + i + ".example", record);
        }
        builder.txt("long.example", "v=spf1 " + "ip4:192.0.2.1 ".repeat(300) + "-all");
        SpfChecker checker = SpfChecker.builder(builder.build()).build();
        long max = 0;
        for (int i = 0; i < 2000; i++) {
            checker.checkHost(CheckRequest.mailFrom(IpAddress.parse("198.51.100.1"), "a@d" + i + ".example", "h.example.org"));
            max = Math.max(max, checker.parseCacheChars());
        }
        assertThat(max).isGreaterThan(SpfChecker.PARSE_CACHE_CHARS / 2).isLessThanOrEqualTo(SpfChecker.PARSE_CACHE_CHARS);
        long before = checker.parseCacheChars();
        CheckOutcome outcome = checker.checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "a@long.example", "h.example.org"));
        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(checker.parseCacheChars()).isEqualTo(before);
    }
}
