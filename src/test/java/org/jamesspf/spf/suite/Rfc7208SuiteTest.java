package org.jamesspf.spf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.dns.SpfDns;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Conformance: every case of the openspf RFC 7208 suite against the engine over the
 * in-memory zone. {@code -Dspf.suite.only=<case>} runs one case.
 */
class Rfc7208SuiteTest {
    @TestFactory
    List<DynamicTest> rfc7208() throws Exception {
        Optional<Path> path = SuiteLoader.locate();
        Assumptions.assumeTrue(path.isPresent(), SuiteLoader.WHERE_TO_GET_IT);
        return SuiteTests.dynamicTests(SuiteLoader.load(path.get()), scenario -> scenario.zone);
    }

}
