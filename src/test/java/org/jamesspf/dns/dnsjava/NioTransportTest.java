package org.jamesspf.dns.dnsjava;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.dns.TestRecords;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.EngineThreads;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.SpfResult;
import org.jamesspf.spf.dns.DnsAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The transport over real UDP to the test responder: bounded sockets, changing source ports, no thread per answer. */
class NioTransportTest {
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        closing.add(0, c);
        return c;
    }

    @Test
    @DisplayName("2,000 queries in flight share 4 UDP sockets (at most 8 open); RFC 5452: ports change as sockets are replaced")
    void socketsBounded() throws Exception {
        TestDnsServer.Zone zone = new TestDnsServer.Zone().delayAll(Duration.ofMillis(300));
        int queries = 2000;
        for (int i = 0; i < queries; i++) {
            zone.add(TestRecords.a("n" + i + ".example", "192.0.2." + (i % 250)));
        }
        TestDnsServer server = closing(TestDnsServer.start(zone));
        EngineThreads threads = closing(EngineThreads.start("transport-test", 2));
        long socketsBefore = openSockets();
        LookupSessionSpfDns dns = closing(LookupSessionSpfDns.forServers(List.of(server.address()), Duration.ofSeconds(10), false,
            threads.executor(), 4));
        List<CompletableFuture<DnsAnswer<IpAddress>>> answers = new ArrayList<>();
        int mostOpen = 0;
        for (int i = 0; i < queries; i++) {
            answers.add(dns.a("n" + i + ".example").toCompletableFuture());
        }
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!answers.stream().allMatch(CompletableFuture::isDone) && System.nanoTime() < guard) {
            mostOpen = (int) Math.max(mostOpen, openSockets() - socketsBefore);
            Thread.sleep(5);
        }
        for (int i = 0; i < queries; i++) {
            DnsAnswer<IpAddress> answer = answers.get(i).join();
            assertThat(answer.records()).as("n" + i).containsExactly(IpAddress.parse("192.0.2." + (i % 250)));
        }
        assertThat(server.maxPendingDelayed()).as("in flight together").isGreaterThan(1000);
        // file descriptors of this process that are sockets, beyond those open before
        assertThat(mostOpen).as("sockets open at once").isBetween(1, 8);
        // 2,000 queries on sockets replaced every 256: more source ports than sockets at any time
        assertThat(server.udpClientPorts()).isGreaterThanOrEqualTo(queries / UdpSockets.QUERIES_PER_SOCKET);
        dns.close();
        assertThat(openSockets()).isLessThanOrEqualTo(socketsBefore);
    }

    @Test
    @DisplayName("RFC 7766: 40 truncated answers at once are asked again over TCP, never more connections than UDP sockets")
    void tcpConnectionsBounded() throws Exception {
        String big = "v=spf1 " + "ip4:198.51.100.0/24 ".repeat(40) + "-all";
        TestDnsServer.Zone zone = new TestDnsServer.Zone().delayAll(Duration.ofMillis(50));
        int queries = 40;
        for (int i = 0; i < queries; i++) {
            zone.add(TestRecords.txt("t" + i + ".example", big + " exp=t" + i + ".example"));
        }
        TestDnsServer server = closing(TestDnsServer.start(zone));
        EngineThreads threads = closing(EngineThreads.start("tcp-test", 2));
        LookupSessionSpfDns dns = closing(LookupSessionSpfDns.forServers(List.of(server.address()), Duration.ofSeconds(10), false,
            threads.executor(), 2));
        List<CompletableFuture<DnsAnswer<String>>> answers = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            answers.add(dns.txt("t" + i + ".example").toCompletableFuture());
        }
        for (int i = 0; i < queries; i++) {
            assertThat(answers.get(i).get(60, TimeUnit.SECONDS).records()).as("t" + i)
                .containsExactly(big + " exp=t" + i + ".example");
        }
        assertThat(server.tcpQueries()).as("each truncated answer asked again over TCP").isEqualTo(queries);
        assertThat(server.maxTcpUnanswered()).as("TCP queries in flight at once").isBetween(1, 2);
    }

    /** Sockets among this process's open file descriptors (Linux /proc). */
    private static long openSockets() throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(java.nio.file.Paths.get("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (java.io.IOException e) {
                    return false; // closed while listing
                }
            }).count();
        }
    }

    @Test
    @DisplayName("a name that is its own CNAME: one query, then temperror (not a chain of identical queries)")
    void selfCname() throws Exception {
        TestDnsServer server = closing(TestDnsServer.start(new TestDnsServer.Zone()
            .add(TestRecords.txt("example.com", "v=spf1 include:loop.example.com -all"))
            .add(TestRecords.cname("loop.example.com", "loop.example.com"))));
        LookupSessionSpfDns dns = closing(LookupSessionSpfDns.forServers(List.of(server.address()), Duration.ofSeconds(2), false));
        int before = server.udpQueries();
        DnsAnswer<String> answer = dns.txt("loop.example.com").toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(answer.kind()).isEqualTo(DnsAnswer.Kind.TEMPFAIL);
        assertThat(server.udpQueries() - before).isEqualTo(1);
        CheckOutcome outcome = SpfChecker.builder(dns).build()
            .checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "a@example.com", "h.example.org"));
        assertThat(outcome.result()).isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    @DisplayName("no thread is started per check or per DNS answer: 500 fresh checks over UDP, the JVM starts none")
    void noThreadPerAnswer() throws Exception {
        TestDnsServer.Zone zone = new TestDnsServer.Zone().delayAll(Duration.ofMillis(2))
            .add(TestRecords.txt("spf.provider.example", "v=spf1 a:mail.provider.example -all"))
            .add(TestRecords.a("mail.provider.example", "192.0.2.10"));
        for (int i = 0; i < 501; i++) {
            zone.add(TestRecords.txt("d" + i + ".example", "v=spf1 include:spf.provider.example mx -all"))
                .add(TestRecords.mx("d" + i + ".example", 10, "mx.d" + i + ".example"))
                .add(TestRecords.a("mx.d" + i + ".example", "198.51.100." + (i % 250)));
        }
        TestDnsServer server = closing(TestDnsServer.start(zone));
        EngineThreads threads = closing(EngineThreads.start("thread-test", 2));
        LookupSessionSpfDns dns = closing(LookupSessionSpfDns.forServers(List.of(server.address()), Duration.ofSeconds(5), false,
            threads.executor(), 8));
        SpfChecker checker = SpfChecker.builder(dns).threads(threads).build();
        // the first check starts what is started once: the transport's selector, the JDK's timeout thread
        assertThat(checker.checkHost(request(500)).result()).isEqualTo(SpfResult.PASS);
        long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
        List<CompletableFuture<CheckOutcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            outcomes.add(checker.checkHostAsync(request(i)).toCompletableFuture());
        }
        for (int i = 0; i < 500; i++) {
            assertThat(outcomes.get(i).get(60, TimeUnit.SECONDS).result()).as("d" + i).isEqualTo(i % 2 == 0 ? SpfResult.PASS : SpfResult.FAIL);
        }
        assertThat(ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - started).as("threads started").isZero();
    }

    private static CheckRequest request(int i) {
        return CheckRequest.mailFrom(IpAddress.parse(i % 2 == 0 ? "198.51.100." + (i % 250) : "203.0.113.9"), "u@d" + i + ".example",
            "h.example.org");
    }
}
