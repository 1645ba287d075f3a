package org.jamesspf.spf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Conformance: every case of the openspf RFC 7208 suite against the engine over the
 * in-memory zone. {@code -Dspf.suite.only=<case>} runs one case. Where the suite is required
 * (CI), a missing suite or fewer than its 203 cases fails the build.
 */
class Rfc7208SuiteTest {
    @TestFactory
    List<DynamicTest> rfc7208() throws Exception {
        Path path = SuiteLoader.suiteForTests();
        List<SuiteScenario> scenarios = SuiteLoader.load(path);
        if (System.getProperty("spf.suite.only", "").isEmpty()) {
            assertEquals(SuiteLoader.CASES, scenarios.stream().mapToInt(s -> s.cases.size()).sum(), "cases in " + path);
        }
        List<DynamicTest> tests = SuiteTests.dynamicTests(scenarios, scenario -> scenario.zone);
        // a typo in -Dspf.suite.only must not pass as "all green, nothing run"
        assertFalse(tests.isEmpty(), () -> "-Dspf.suite.only=" + System.getProperty("spf.suite.only") + " names no case of " + path);
        return tests;
    }
}
