package org.jamesspf.spf.suite;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
