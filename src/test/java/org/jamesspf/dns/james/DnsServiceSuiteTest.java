package org.jamesspf.dns.james;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.dns.TestRecords;
import org.jamesspf.spf.suite.SuiteLoader;
import org.jamesspf.spf.suite.SuiteScenario;
import org.jamesspf.spf.suite.SuiteTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The openspf suite through James's own DNSJavaService (real UDP to the test server) and the
 * {@link DnsServiceSpfDns} adapter. Cases the DNSService interface cannot express are listed
 * here with the reason, and checked to still fail: if the adapter ever passes one, the list
 * is out of date and this test says so.
 */
class DnsServiceSuiteTest {
    private static final String TXT_TIMEOUT = "DNSJavaService turns a TXT lookup failure into an empty answer: none, not temperror";
    private static final String NO_AAAA = "getAllByName answers with A records only: IPv6 clients never match a, mx or validated PTR names";
    private static final String A_FAILURE = "getAllByName reports a lookup failure as UnknownHostException: read as NXDOMAIN, not temperror";

    /** Suite cases the DNSService interface cannot express, and why. */
    static final Map<String, String> NOT_EXPRESSIBLE = Map.ofEntries(
        Map.entry("txttimeout", TXT_TIMEOUT),
        Map.entry("nospftxttimeout", TXT_TIMEOUT),
        Map.entry("alltimeout", TXT_TIMEOUT),
        Map.entry("include-temperror", TXT_TIMEOUT),
        Map.entry("exists-dnserr", A_FAILURE),
        Map.entry("a-dual-cidr-ip6-match", NO_AAAA),
        Map.entry("a-cidr6-0-ip6", NO_AAAA),
        Map.entry("a-ip6-dualstack", NO_AAAA),
        Map.entry("mx-cidr6-0-ip6", NO_AAAA),
        Map.entry("bytes-bug", NO_AAAA),
        Map.entry("ptr-match-ip6", NO_AAAA),
        Map.entry("p-macro-ip6-valid", NO_AAAA),
        Map.entry("ptr-case-change", "getHostName returns the first PTR name only; the matching one comes later"),
        Map.entry("mx-implicit", "findMXRecords returns the host itself when it has no MX (implicit MX, RFC 7208 5.4 forbids it)"));

    private static TestDnsServer server;
    private static ExecutorService executor;

    @BeforeAll
    static void start() throws Exception {
        server = TestDnsServer.start(new TestDnsServer.Zone());
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dnsservice-suite");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @TestFactory
    List<DynamicNode> rfc7208ThroughDnsService() throws Exception {
        Path path = SuiteLoader.suiteForTests();
        List<DynamicNode> nodes = new ArrayList<>();
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
        for (SuiteScenario scenario : SuiteLoader.load(path)) {
            TestDnsServer.Zone zone = TestRecords.zoneOf(scenario);
            List<DynamicTest> tests = SuiteTests.dynamicTests(List.of(scenario), s -> {
                server.setZone(zone);
                try {
                    return new DnsServiceSpfDns(TestDnsJavaService.start(address, Duration.ofMillis(300)), executor);
                } catch (Exception e) {
                    throw new IllegalStateException("DNSJavaService did not start", e);
                }
            }, NOT_EXPRESSIBLE);
            nodes.add(DynamicContainer.dynamicContainer(scenario.description, tests));
        }
        return nodes;
    }
}
