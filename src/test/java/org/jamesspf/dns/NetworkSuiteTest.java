package org.jamesspf.dns;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jamesspf.dns.dnsjava.LookupSessionSpfDns;
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
 * The whole openspf suite through the network path: zone data served by {@link TestDnsServer}
 * over real UDP/TCP sockets, TIMEOUT entries as real timeouts, the dnsjava resolver in the engine.
 */
class NetworkSuiteTest {
    static final Duration QUERY_TIMEOUT = Duration.ofMillis(300);
    private static TestDnsServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestDnsServer.start(new TestDnsServer.Zone());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @TestFactory
    List<DynamicNode> rfc7208OverTheNetwork() throws Exception {
        Path path = SuiteLoader.suiteForTests();
        List<DynamicNode> nodes = new ArrayList<>();
        for (SuiteScenario scenario : SuiteLoader.load(path)) {
            TestDnsServer.Zone zone = TestRecords.zoneOf(scenario);
            // each case loads its scenario's zone into the server when it starts (cases run in order)
            List<DynamicTest> tests = SuiteTests.dynamicTests(List.of(scenario), s -> {
                server.setZone(zone);
                return LookupSessionSpfDns.forServers(List.of(server.address()), QUERY_TIMEOUT, false);
            });
            nodes.add(DynamicContainer.dynamicContainer(scenario.description, tests));
        }
        return nodes;
    }
}
