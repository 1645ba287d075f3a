package org.jamesspf.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.jamesspf.spf.Ascii;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.FuzzDuration;
import org.jamesspf.spf.Identity;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.Reason;
import org.jamesspf.spf.SpfResult;

/**
 * Coverage-guided fuzz tests of the hook's edges (Jazzer): header and reply rendering, the
 * incoming authserv-id matcher and the XML configuration reader. Replayed over the committed
 * inputs in every build; {@code JAZZER_FUZZ=1} fuzzes one (README, "Fuzzing").
 */
class HookFuzzTest {
    /**
     * Headers and replies from fuzzed HELO, sender, IP, problem and explanation: the headers parse
     * back (strict RFC 8601 / RFC 7208 9.1 readers) to exactly the intended resinfos and keys; a
     * reply is one line of printable ASCII, at most 400 characters.
     */
    @FuzzTest(maxDuration = FuzzDuration.MAX)
    void rendering(FuzzedDataProvider data) {
        byte[] v6 = data.consumeBoolean() ? data.consumeBytes(16) : new byte[0];
        IpAddress ip = v6.length == 16 ? IpAddress.fromBytes(v6) : IpAddress.ofV4(data.consumeInt());
        String helo = data.consumeString(300);
        String sender = data.consumeString(300);
        String problem = data.consumeString(300);
        SpfResult result = data.pickValue(SpfResult.values());
        CheckOutcome helOutcome = CheckOutcome.of(CheckRequest.helo(ip, helo), result, Reason.MATCHED, problem);
        CheckOutcome mailOutcome = CheckOutcome.of(CheckRequest.mailFrom(ip, sender, helo), result, Reason.MATCHED, problem);
        HeaderRoundTripTest.roundTrip(List.of(helOutcome, mailOutcome));

        String explanation = data.consumeRemainingAsString();
        Action action = Action.refuse(Action.Kind.REJECT, "550", "5.7.23",
            ReplyTemplate.parse("{result} {identity} {domain} {ip} {sender} {helo} {explanation} {problem}"));
        HookResult refusal = SpfHook.refusal(new Verdict.Decision(action, Optional.of(mailOutcome)));
        assertPrintableLine(refusal.getSmtpDescription(), ReplyTemplate.MAX_TEXT_LENGTH + 16);
        String text = action.text().render(Map.of("explanation", explanation, "helo", helo, "sender", sender));
        assertPrintableLine(text, ReplyTemplate.MAX_TEXT_LENGTH);
    }

    private static void assertPrintableLine(String text, int max) {
        assertThat(text.length()).isLessThanOrEqualTo(max);
        for (int i = 0; i < text.length(); i++) {
            assertThat(text.charAt(i)).as("character %d of %s", i, text).isBetween(' ', '~');
        }
    }

    /**
     * RFC 8601 5: a header claims our id only if it names it; any comment the tokenizer can read,
     * written before the id, never hides it.
     */
    @FuzzTest(maxDuration = FuzzDuration.MAX)
    void authservIdMatcher(FuzzedDataProvider data) {
        String id = data.pickValue(new String[] {"mx.receiver.test", "MX.Receiver.Test", "a"});
        String comment = data.consumeString(100);
        String rest = data.consumeRemainingAsString();
        if (AuthservIdMatcher.claims(rest, id)) {
            assertThat(Ascii.toLowerCase(rest)).contains(Ascii.toLowerCase(id));
        }
        // a well-formed comment (as we would write one) before the id
        String prefixed = " (" + HeaderRenderer.commentText(comment) + ")\r\n\t" + id + "; " + rest;
        assertThat(AuthservIdMatcher.claims(prefixed, "mx.receiver.test"))
            .as(prefixed).isEqualTo(Ascii.toLowerCase(id).equals("mx.receiver.test"));
    }

    /**
     * The XML configuration reader on fuzzed documents built from its own element names: either a
     * configuration, or a {@link ConfigurationException} whose message names the element at fault.
     */
    /**
     * Received fields behind a trusted gateway: whatever the client writes below the gateway's field
     * (any text, any number of fields), the client read is the one the gateway recorded; any single
     * field parses to an address or to nothing, never an exception.
     */
    @FuzzTest(maxDuration = FuzzDuration.MAX)
    void receivedFields(FuzzedDataProvider data) {
        ReceivedHops hops = new ReceivedHops(NetworkList.parse(List.of("198.51.100.0/28")));
        List<String> received = new java.util.ArrayList<>(List.of(ReceivedHopsTest.james("198.51.100.2", "gw.example.net"),
            ReceivedHopsTest.postfix("203.0.113.5", data.consumeString(80).replaceAll("\\s", "x") + "a")));
        int forged = data.consumeInt(0, 8);
        for (int i = 0; i < forged; i++) {
            String field = data.consumeString(300);
            ReceivedField.parse(field).ifPresent(f -> assertThat(f.ip).isNotNull());
            received.add(field);
        }
        ReceivedHops.Result read = hops.client(received, IpAddress.parse("198.51.100.2"));
        assertThat(read.client().map(c -> c.ip)).as(received.toString()).contains(IpAddress.parse("203.0.113.5"));
    }

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
        "unverifiedSenderDomains", "forwarders", "gateways", "networks", "onUnreadable", "heloNames", "helo", "mailfrom", "fail", "softfail", "temperror", "permerror", "neutral", "none", "pass",
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
