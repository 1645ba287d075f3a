package org.jamesspf.spf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.dns.SpfDns;
import org.junit.jupiter.api.DynamicTest;

/** Turns suite cases into dynamic tests against any {@link SpfDns}. */
public final class SuiteTests {
    /** The explanation the suite expects when a domain publishes no exp. */
    public static final String SUITE_DEFAULT_EXPLANATION = "DEFAULT";

    private SuiteTests() {
    }

    /** One dynamic test per case, checking result and explanation through the given DNS. */
    public static List<DynamicTest> dynamicTests(List<SuiteScenario> scenarios, Function<SuiteScenario, SpfDns> dnsFor) {
        return dynamicTests(scenarios, dnsFor, Map.of());
    }

    /**
     * As above; the cases named in {@code notExpressible} (case name to reason) are expected
     * not to conform, because the DNS path cannot express what they test. Their tests check
     * that they still do not conform, so the list cannot go stale silently.
     */
    public static List<DynamicTest> dynamicTests(List<SuiteScenario> scenarios, Function<SuiteScenario, SpfDns> dnsFor,
                                                 Map<String, String> notExpressible) {
        String only = System.getProperty("spf.suite.only", "");
        List<DynamicTest> tests = new ArrayList<>();
        for (SuiteScenario scenario : scenarios) {
            for (SuiteCase c : scenario.cases) {
                if (!only.isEmpty() && !only.equals(c.name)) {
                    continue;
                }
                String reason = notExpressible.get(c.name);
                if (reason != null) {
                    tests.add(DynamicTest.dynamicTest(c.displayName() + " (not expressible: " + reason + ")", () -> {
                        CheckOutcome outcome = runClosing(dnsFor.apply(scenario), c);
                        assertFalse(conforms(c, outcome), () -> c.displayName() + " now conforms (" + outcome
                            + "): remove it from the not-expressible list");
                    }));
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(c.displayName(), () -> {
                    CheckOutcome outcome = runClosing(dnsFor.apply(scenario), c);
                    assertTrue(c.results.contains(outcome.result().token()),
                        () -> c.displayName() + ": expected " + c.results + " got " + outcome + "\ntrace: " + outcome.trace());
                    if (c.explanation != null && outcome.result().token().equals("fail")) {
                        assertEquals(c.explanation, outcome.explanation(), () -> c.displayName() + ": explanation, outcome " + outcome);
                    }
                }));
            }
        }
        return tests;
    }

    /** Runs one case with the suite's default explanation, then closes the DNS if it holds threads. */
    static CheckOutcome runClosing(SpfDns dns, SuiteCase c) throws Exception {
        try {
            return run(SpfChecker.builder(dns).defaultExplanation(SUITE_DEFAULT_EXPLANATION).build(), c);
        } finally {
            if (dns instanceof AutoCloseable) {
                ((AutoCloseable) dns).close();
            }
        }
    }

    static boolean conforms(SuiteCase c, CheckOutcome outcome) {
        return c.results.contains(outcome.result().token())
            && (c.explanation == null || !outcome.result().token().equals("fail") || c.explanation.equals(outcome.explanation()));
    }

    public static CheckOutcome run(SpfChecker checker, SuiteCase c) {
        IpAddress ip = IpAddress.parse(c.host);
        return checker.checkHost(CheckRequest.mailFrom(ip, c.mailfrom, c.helo));
    }
}
