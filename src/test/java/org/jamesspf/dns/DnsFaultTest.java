package org.jamesspf.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.jamesspf.dns.dnsjava.LookupSessionSpfDns;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.Limits;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.SpfResult;
import org.jamesspf.spf.dns.DnsAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** Faults over real sockets: each gives the RFC result within the time budget. */
class DnsFaultTest {
    private static final Duration QUERY_TIMEOUT = Duration.ofMillis(400);
    private static final Duration BUDGET = Duration.ofSeconds(2);
    private TestDnsServer server;
    private final List<LookupSessionSpfDns> resolvers = new java.util.ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = TestDnsServer.start(new TestDnsServer.Zone());
    }

    @AfterEach
    void stop() {
        resolvers.forEach(LookupSessionSpfDns::close);
        server.close();
    }

    private LookupSessionSpfDns resolver(String address, Duration queryTimeout) {
        LookupSessionSpfDns dns = LookupSessionSpfDns.forServers(List.of(address), queryTimeout, false);
        resolvers.add(dns);
        return dns;
    }

    private CheckOutcome check(TestDnsServer.Zone zone, String ip) {
        server.setZone(zone);
        SpfChecker checker = SpfChecker.builder(resolver(server.address(), QUERY_TIMEOUT))
            .limits(Limits.defaults().withTimeBudget(BUDGET)).build();
        return checker.checkHost(CheckRequest.mailFrom(IpAddress.parse(ip), "user@example.com", "helo.example.org"));
    }

    @Test
    @DisplayName("2.6.6: no server listening -> temperror, within the budget")
    void serverDown() throws Exception {
        int unusedPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            unusedPort = probe.getLocalPort();
        }
        SpfChecker checker = SpfChecker.builder(resolver("127.0.0.1:" + unusedPort, QUERY_TIMEOUT))
            .limits(Limits.defaults().withTimeBudget(BUDGET)).build();
        long start = System.nanoTime();
        CheckOutcome outcome = checker.checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "a@example.com", "h.example.org"));
        assertThat(outcome.result()).isEqualTo(SpfResult.TEMPERROR);
        // a hang guard: the budget bounds the check, whatever else the machine does
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BUDGET.plusSeconds(10));
    }

    @Test
    @DisplayName("4.6.4: a server slower than the budget -> temperror (time budget), promptly")
    void slowPastBudget() {
        TestDnsServer.Zone zone = new TestDnsServer.Zone()
            .add(TestRecords.txt("example.com", "v=spf1 a:slow.example.com -all"))
            .add(TestRecords.a("slow.example.com", "192.0.2.1"))
            .delay("slow.example.com", Duration.ofMillis(350));
        server.setZone(zone);
        // 350 ms per answer is under the query timeout, but several of them exceed a 500 ms budget
        SpfChecker checker = SpfChecker.builder(resolver(server.address(), QUERY_TIMEOUT))
            .limits(Limits.defaults().withTimeBudget(Duration.ofMillis(300))).build();
        long start = System.nanoTime();
        CheckOutcome outcome = checker.checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "a@example.com", "h.example.org"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(outcome.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(outcome.reason()).isEqualTo(Reason.TIME_BUDGET);
        assertThat(took).as("a hang guard").isLessThan(Duration.ofSeconds(10));
    }

    @Test
    @DisplayName("4.4: SERVFAIL on the TXT lookup -> temperror")
    void servfailOnTxt() {
        CheckOutcome outcome = check(new TestDnsServer.Zone().serverFailure("example.com", Type.TXT), "192.0.2.1");
        assertThat(outcome.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(outcome.reason()).isEqualTo(Reason.DNS_TEMPFAIL);
    }

    @Test
    @DisplayName("3.3, 3.4: a 4 KB multi-string TXT record over TCP after a truncated UDP answer")
    void fourKilobyteTxt() {
        StringBuilder record = new StringBuilder("v=spf1");
        for (int i = 0; i < 240; i++) {
            record.append(" ip4:198.51.").append(i).append(".0/24");
        }
        record.append(" ip4:192.0.2.1 -all");
        assertThat(record.length()).isGreaterThan(4000);
        String text = record.toString();
        TestDnsServer.Zone zone = new TestDnsServer.Zone().add(TestRecords.txt("example.com", text));
        CheckOutcome pass = check(zone, "192.0.2.1");
        assertThat(pass.result()).as(pass.toString()).isEqualTo(SpfResult.PASS);
        assertThat(check(zone, "192.0.2.2").result()).isEqualTo(SpfResult.FAIL);
        assertThat(server.tcpQueries()).as("truncated UDP answers are retried over TCP").isGreaterThanOrEqualTo(2);
    }

    @Test
    @DisplayName("2.6.6: a CNAME loop -> temperror, not a hang")
    void cnameLoop() {
        TestDnsServer.Zone zone = new TestDnsServer.Zone()
            .add(TestRecords.cname("example.com", "loop.example.com"))
            .add(TestRecords.cname("loop.example.com", "example.com"));
        long start = System.nanoTime();
        CheckOutcome outcome = check(zone, "192.0.2.1");
        assertThat(outcome.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a hang guard").isLessThan(BUDGET.plusSeconds(10));
    }

    @Test
    @DisplayName("dnsjava adapter: NXDOMAIN, no data, records, CNAME chain, MX order and all PTR names")
    void adapterAnswers() throws Exception {
        server.setZone(new TestDnsServer.Zone()
            .add(TestRecords.a("host.example.com", "192.0.2.1"))
            .add(TestRecords.aaaa("host.example.com", "2001:db8::1"))
            .add(TestRecords.cname("alias.example.com", "alias2.example.com"))
            .add(TestRecords.cname("alias2.example.com", "host.example.com"))
            .add(TestRecords.mx("example.com", 20, "b.example.com"))
            .add(TestRecords.mx("example.com", 10, "a.example.com"))
            .add(TestRecords.ptr("1.2.0.192.in-addr.arpa", "one.example.com"))
            .add(TestRecords.ptr("1.2.0.192.in-addr.arpa", "two.example.com"))
            .add(TestRecords.txt("example.com", "v=spf1 ", "-all")));
        LookupSessionSpfDns dns = LookupSessionSpfDns.forServers(List.of(server.address()), QUERY_TIMEOUT, true);
        resolvers.add(dns);
        assertThat(dns.a("missing.example.com").toCompletableFuture().get().kind()).isEqualTo(DnsAnswer.Kind.NXDOMAIN);
        assertThat(dns.txt("host.example.com").toCompletableFuture().get().kind()).isEqualTo(DnsAnswer.Kind.NODATA);
        assertThat(dns.aaaa("host.example.com").toCompletableFuture().get().records()).containsExactly(IpAddress.parse("2001:db8::1"));
        assertThat(dns.a("alias.example.com").toCompletableFuture().get().records()).containsExactly(IpAddress.parse("192.0.2.1"));
        assertThat(dns.mx("example.com").toCompletableFuture().get().records()).containsExactly("a.example.com", "b.example.com");
        assertThat(dns.ptr(IpAddress.parse("192.0.2.1")).toCompletableFuture().get().records())
            .containsExactlyInAnyOrder("one.example.com", "two.example.com");
        assertThat(dns.txt("example.com").toCompletableFuture().get().records()).containsExactly("v=spf1 -all");
    }

    @Test
    @DisplayName("RFC 5452 9.1: an answer with another ID is ignored; the real answer is used")
    void forgedAnswerIgnored() throws Exception {
        server.setZone(new TestDnsServer.Zone()
            .add(TestRecords.a("bank.example", "192.0.2.1"))
            .spoof("bank.example", TestRecords.a("bank.example", "203.0.113.66")));
        DnsAnswer<IpAddress> answer = resolver(server.address(), QUERY_TIMEOUT).a("bank.example").toCompletableFuture().get();
        assertThat(answer.records()).containsExactly(IpAddress.parse("192.0.2.1"));
    }

    @Test
    @DisplayName("servers are tried in order: a dead first server falls over to the second")
    void failover() throws Exception {
        int unusedPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            unusedPort = probe.getLocalPort();
        }
        server.setZone(new TestDnsServer.Zone().add(TestRecords.txt("example.com", "v=spf1 ip4:192.0.2.1 -all")));
        try (LookupSessionSpfDns dns = LookupSessionSpfDns.forServers(List.of("127.0.0.1:" + unusedPort, server.address()),
                QUERY_TIMEOUT, false)) {
            assertThat(dns.txt("example.com").toCompletableFuture().get().records()).containsExactly("v=spf1 ip4:192.0.2.1 -all");
        }
    }

    @Test
    @DisplayName("closing the transport fails the queries in flight at once")
    void closeFailsInFlight() throws Exception {
        server.setZone(new TestDnsServer.Zone().add(TestRecords.a("slow.example", "192.0.2.1")).delay("slow.example", Duration.ofSeconds(5)));
        LookupSessionSpfDns dns = LookupSessionSpfDns.forServers(List.of(server.address()), Duration.ofSeconds(10), false);
        var pending = dns.a("slow.example").toCompletableFuture();
        Thread.sleep(100);
        dns.close();
        assertThat(pending.get(2, java.util.concurrent.TimeUnit.SECONDS).kind()).isEqualTo(DnsAnswer.Kind.TEMPFAIL);
    }

    @Test
    @DisplayName("concurrent queries are all answered, none stalled (dnsjava 3.5.2's client makes about 1 in 10 wait 1 s)")
    void concurrentQueriesAreAnswered() throws Exception {
        server.setZone(new TestDnsServer.Zone()
            .add(TestRecords.aaaa("one.example.org", "2001:db8::1"))
            .add(TestRecords.aaaa("two.example.com", "2001:db8::2")));
        int stalled = 0;
        // 5 s per query is a hang guard only: a timed-out query would be asked again, which the server counts
        try (LookupSessionSpfDns dns = LookupSessionSpfDns.forServers(List.of(server.address()), Duration.ofSeconds(5), false)) {
            for (int round = 0; round < 200; round++) {
                long start = System.nanoTime();
                var one = dns.aaaa("one.example.org").toCompletableFuture();
                var two = dns.aaaa("two.example.com").toCompletableFuture();
                assertThat(one.get().kind()).as("round %d", round).isEqualTo(DnsAnswer.Kind.RECORDS);
                assertThat(two.get().kind()).as("round %d", round).isEqualTo(DnsAnswer.Kind.RECORDS);
                if (System.nanoTime() - start >= 1_000_000_000L) {
                    stalled++;
                }
            }
        }
        assertThat(server.udpQueries()).as("each query asked once: none timed out").isEqualTo(400);
        // the stall is a full second, about 20 rounds in 200; a loaded machine may lose a second once or twice
        assertThat(stalled).as("rounds of a second or more").isLessThanOrEqualTo(3);
    }

    @Test
    @DisplayName("the address lookups of MX hosts run concurrently: same queries, all 8 in flight together")
    void concurrentMxLookups() {
        TestDnsServer.Zone zone = new TestDnsServer.Zone()
            .add(TestRecords.txt("example.com", "v=spf1 mx -all"));
        for (int i = 0; i < 8; i++) {
            zone.add(TestRecords.mx("example.com", i, "mx" + i + ".example.com"))
                .add(TestRecords.a("mx" + i + ".example.com", "198.51.100." + i))
                .delay("mx" + i + ".example.com", Duration.ofMillis(1));
        }
        server.setZone(zone);
        // The server answers the 8 address queries only once all 8 are waiting (an event, not a timing):
        // sequential lookups would each wait the 20 s hang guard and the check would end in temperror.
        server.holdDelayedUntil(8, Duration.ofSeconds(20));
        SpfChecker checker = SpfChecker.builder(resolver(server.address(), Duration.ofSeconds(30)))
            .limits(Limits.defaults().withTimeBudget(Duration.ofSeconds(15))).build();
        int before = server.udpQueries();
        CheckOutcome outcome = checker.checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "a@example.com", "h.example.org"));
        assertThat(outcome.result()).as(outcome.toString()).isEqualTo(SpfResult.FAIL);
        // 1 TXT + 1 MX + 8 A queries, as sequential evaluation would make
        assertThat(server.udpQueries() - before).isEqualTo(10);
        assertThat(server.maxPendingDelayed()).isEqualTo(8);
    }
}
