package org.jamesspf.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.jamesspf.spf.dns.InMemoryZone;
import org.jamesspf.spf.macro.MacroString;
import org.jamesspf.spf.record.SpfRecordParser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Hostile and random input, with fixed seeds so a failure replays: records built from SPF
 * fragments and garbage, evaluated against a zone of such records. The oracle: an outcome comes
 * back, no exception, within the limits.
 */
class RobustnessTest {
    private static final List<String> FRAGMENTS = List.of(
        "v=spf1", " ", "  ", "a", "mx", "ptr", "all", "-all", "+all", "~", "?", "-", "include:", "exists:", "redirect=", "exp=",
        "ip4:", "ip6:", "192.0.2.1", "/24", "//64", "/33", "::1", "2001:db8::", "%{d}", "%{i}", "%{ir}", "%{l1r-}", "%{p}", "%{s}",
        "%{h}", "%{v}", "%{o}", "%{d2}", "%{x}", "%{", "%%", "%_", "%-", "%", "n1.example", "n2.example", "loop.example", "x.example",
        ".", "..", "example", ":", "=", "\u00e9", "\r\n", "\t", "\u0000", "foo=bar", "a:n1.example", "mx:n2.example",
        "include:n1.example", "include:loop.example", "redirect=n2.example", "exists:%{i}.x.example", "a:%{l}.%{d}", "ptr:%{d}",
        "a".repeat(70), "b.".repeat(140));

    private static String randomText(Random random, int parts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            sb.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
        }
        return sb.toString();
    }

    @Test
    @DisplayName("random records over a random zone: always an outcome, within the limits")
    void randomEvaluation() {
        Random random = new Random(7208);
        for (int round = 0; round < 300; round++) {
            InMemoryZone.Builder zone = InMemoryZone.builder();
            for (String name : List.of("example.com", "n1.example", "n2.example", "loop.example", "x.example")) {
                zone.txt(name, random.nextBoolean() ? "v=spf1 " + randomText(random, 6) : randomText(random, 8));
                if (random.nextInt(4) == 0) {
                    zone.txt(name, "v=spf1 " + randomText(random, 3));
                }
                zone.a(name, "192.0.2." + random.nextInt(4)).mx(name, 10, "n" + (1 + random.nextInt(2)) + ".example");
            }
            zone.txt("loop.example", "v=spf1 include:loop.example include:example.com");
            zone.ptr(IpAddress.parse("192.0.2.1"), "n1.example");
            SpfChecker checker = SpfChecker.builder(zone.build()).build();
            String ip = random.nextBoolean() ? "192.0.2." + random.nextInt(4) : "2001:db8::" + random.nextInt(4);
            String sender = randomText(random, 2) + "@example.com";
            CheckOutcome outcome = checker.checkHost(CheckRequest.mailFrom(IpAddress.parse(ip), sender, randomText(random, 2)));
            assertThat(outcome.result()).isNotNull();
            assertThat(outcome.dnsLookups()).isLessThanOrEqualTo(Limits.DEFAULT_DNS_TERMS + 1);
            assertThat(outcome.voidLookups()).isLessThanOrEqualTo(Limits.DEFAULT_VOID_LOOKUPS + 1);
            assertThat(outcome.trace().size()).isLessThanOrEqualTo(SpfChecker.MAX_TRACE_EVENTS);
        }
    }

    @Test
    @DisplayName("random text never throws from the parsers")
    void randomParsing() {
        Random random = new Random(4408);
        for (int i = 0; i < 20_000; i++) {
            String text = randomText(random, 1 + random.nextInt(10));
            SpfRecordParser.parse("v=spf1 " + text);
            for (MacroString.Context context : MacroString.Context.values()) {
                MacroString.Parsed parsed = MacroString.parse(text, context);
                if (parsed.isValid()) {
                    assertThat(parsed.value().expand(letter -> "a.b-c+d,e/f_g=h", 4096)).isNotNull();
                }
            }
            IpAddress.parseOrNull(text);
            DomainNames.isValidDomain(text);
        }
    }

    @Test
    @DisplayName("7.3: a macro cannot blow up: 128 parts of a 253-octet value, expanded names cut to 253")
    void macroBounds() {
        InMemoryZone zone = InMemoryZone.builder()
            .txt("example.com", "v=spf1 exists:%{l}%{l}%{l}%{l}%{l}%{l}.%{d} -all")
            .build();
        String local = "a.".repeat(31) + "a";
        CheckOutcome outcome = SpfChecker.builder(zone).build()
            .checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), local + "@example.com", "h"));
        assertThat(outcome.result()).isEqualTo(SpfResult.FAIL);
        assertThat(outcome.trace()).anyMatch(e -> e.type() == TraceEvent.Type.LOOKUP && e.subject().length() <= 253 + 2);
    }
}
