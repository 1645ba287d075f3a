package org.jamesspf.james.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.StringReader;
import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.jamesspf.spf.FuzzDuration;

/**
 * Coverage-guided fuzz test (Jazzer) of the XML configuration reader. Replayed over the committed
 * inputs in every build; {@code JAZZER_FUZZ=1} fuzzes it (README, "Fuzzing").
 */
class ConfigFuzzTest {
    /**
     * The XML configuration reader on fuzzed documents built from its own element names: either a
     * configuration, or a {@link ConfigurationException} whose message names the element at fault.
     */
    @FuzzTest(maxDuration = FuzzDuration.MAX)
    void configuration(FuzzedDataProvider data) {
        StringBuilder xml = new StringBuilder("<handler class=\"org.jamesspf.james.SpfHook\">");
        int elements = data.consumeInt(0, 8);
        for (int i = 0; i < elements; i++) {
            element(data, xml, 0);
        }
        xml.append("</handler>");
        XMLConfiguration config = new XMLConfiguration();
        try {
            new FileHandler(config).load(new StringReader(xml.toString()));
        } catch (ConfigurationException e) {
            return; // not well-formed XML: James rejects it before the hook sees it
        }
        try {
            SpfHookConfig parsed = SpfHookConfig.from(config);
            assertThat(parsed).isNotNull();
            assertThat(parsed.toString()).isNotEmpty();
        } catch (ConfigurationException e) {
            assertThat(e.getMessage()).as(xml.toString()).startsWith("<");
        } catch (RuntimeException e) {
            fail("configuration " + xml + " threw " + e, e);
        }
    }

    private static final String[] ELEMENTS = {"checkHelo", "checkMailFrom", "enforceAt", "exemptRecipients", "skip", "actions",
        "headers", "dns", "defaultExplanation", "authenticated", "relayingAllowed", "trustedNetworks", "senderDomains",
        "unverifiedSenderDomains", "forwarders", "gateways", "networks", "onUnreadable", "heloNames", "helo", "mailfrom", "fail",
        "softfail", "temperror", "permerror", "neutral", "none", "pass",
        "receivedSpf", "authenticationResults", "authservId", "resolver", "servers", "server", "queryTimeoutMs",
        "timeBudgetMs", "maxVoidLookups", "checks", "maxWaitMs", "threads", "maxInFlight", "maxInFlightPerNetwork",
        "maxInFlightPerDomain", "networkPrefixV4", "networkPrefixV6", "cacheKilobytes", "cacheTtlSeconds", "udpSockets",
        "dnsFailureTtlSeconds", "pending", "maxChecksPerSession", "maxChecksPerNetworkPerMinute", "maxChecksPerDomainPerMinute",
        "maxPendingPerClient", "cacheSize", "dryRun", "dryRunComment",
        "domains", "domain", "bogus"};
    private static final String[] VALUES = {"true", "false", "yes", "mail", "rcpt", "data", "10", "-1", "0", "99999999999",
        "192.0.2.0/24", "2001:db8::/129", "example.com", ".example.com", "127.0.0.1:5353", "[::1]:53", "dnsjava", "james",
        "temperror", "accept", "%{o} says %{x}", "{result} {nope}", ""};
    private static final String[] ATTRIBUTES = {"action", "code", "status", "text", "class", "name", "other"};
    private static final String[] ATTRIBUTE_VALUES = {"reject", "defer", "accept", "rejectt", "550", "451", "250", "5.7.23",
        "4.7.24", "9.9.9", "SPF {result}", "{bad}", "a.example", "a.example, .b.example", ".a.example", "a..b", ""};

    private static void element(FuzzedDataProvider data, StringBuilder xml, int depth) {
        String name = data.pickValue(ELEMENTS);
        xml.append('<').append(name);
        int attributes = data.consumeInt(0, 3);
        for (int i = 0; i < attributes; i++) {
            xml.append(' ').append(data.pickValue(ATTRIBUTES)).append("=\"")
                .append(escape(data.consumeBoolean() ? data.pickValue(ATTRIBUTE_VALUES) : data.consumeString(16))).append('"');
        }
        xml.append('>');
        // deep enough for <domains><domain><actions><mailfrom><fail>
        if (depth < 5 && data.consumeBoolean()) {
            int children = data.consumeInt(0, 3);
            for (int i = 0; i < children; i++) {
                element(data, xml, depth + 1);
            }
        } else {
            xml.append(escape(data.consumeBoolean() ? data.pickValue(VALUES) : data.consumeString(24)));
        }
        xml.append("</").append(name).append('>');
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
