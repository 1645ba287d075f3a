package org.jamesspf.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jamesspf.spf.dns.InMemoryZone;
import org.jamesspf.spf.macro.MacroString;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Whatever a domain owner publishes, a check's work and what its outcome keeps are bounded, shown
 * with counters (octets built by macro expansion, characters kept), never with timings.
 */
class BoundedWorkTest {
    private static final IpAddress CLIENT = IpAddress.parse("192.0.2.1");

    /** A valid domain name of exactly {@code length} octets under ".example". */
    static String domainOfLength(int length) {
        StringBuilder sb = new StringBuilder();
        int rest = length - ".example".length();
        while (rest > 0) {
            int label = Math.min(60, rest - (rest > 61 ? 1 : 0));
            if (rest - label == 1) {
                label--; // never leave a one-octet remainder that would need an empty label
            }
            sb.append("x".repeat(label));
            rest -= label;
            if (rest > 0) {
                sb.append('.');
                rest--;
            }
        }
        String name = sb + ".example";
        assertThat(name).hasSize(length);
        assertThat(DomainNames.isValidDomain(name)).as(name).isTrue();
        return name;
    }

    private static CheckOutcome check(InMemoryZone zone, String sender) {
        return SpfChecker.builder(zone).build().checkHost(CheckRequest.mailFrom(CLIENT, sender, "h.example.org"));
    }

    @Test
    @DisplayName("7.3, 4.8: exists:%{d} x 2,400 under a 225-octet domain builds at most the name's window and one macro")
    void macroBombRecord() {
        String domain = domainOfLength(225);
        String record = "v=spf1 exists:" + "%{d}".repeat(2400) + " -all";
        assertThat(record.length()).isGreaterThan(9600);
        CheckOutcome outcome = check(InMemoryZone.builder().txt(domain, record).build(), "a@" + domain);
        // the full expansion would be 540,000 octets; built: 255 of the window and one straddling %{d},
        // and the (default) explanation of the fail
        assertThat(outcome.macroOctets() - outcome.explanation().length()).isLessThanOrEqualTo(MacroString.DOMAIN_WINDOW + 225L);
        assertThat(outcome.result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    @DisplayName("7.3: a 64 KB record of macros (the most a TXT answer holds) costs no more than a short one")
    void macroBombOf64K() {
        String domain = domainOfLength(225);
        List<String> strings = new ArrayList<>();
        StringBuilder record = new StringBuilder("v=spf1 exists:");
        while (record.length() < 65_000) {
            record.append("%{d}");
        }
        record.append(" -all");
        for (int i = 0; i < record.length(); i += 255) {
            strings.add(record.substring(i, Math.min(record.length(), i + 255)));
        }
        InMemoryZone zone = InMemoryZone.builder().txt(domain, strings.toArray(new String[0])).build();
        CheckOutcome outcome = check(zone, "a@" + domain);
        assertThat(outcome.macroOctets() - outcome.explanation().length()).isLessThanOrEqualTo(MacroString.DOMAIN_WINDOW + 225L);
        assertThat(outcome.result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    @DisplayName("6.2: an exp= of 2,000 %{d} macros gives an explanation of at most 1,024 octets, and builds no more")
    void explanationBomb() {
        String domain = domainOfLength(225);
        InMemoryZone zone = InMemoryZone.builder()
            .txt(domain, "v=spf1 -all exp=why.example")
            .txt("why.example", "%{d}".repeat(2000))
            .build();
        CheckOutcome outcome = check(zone, "a@" + domain);
        assertThat(outcome.result()).isEqualTo(SpfResult.FAIL);
        assertThat(outcome.explanation()).hasSize(SpfChecker.MAX_EXPLANATION_OCTETS).startsWith(domain);
        // the exp target (a literal) and the explanation: 1,024 and one straddling %{d}
        assertThat(outcome.macroOctets()).isLessThanOrEqualTo("why.example".length() + SpfChecker.MAX_EXPLANATION_OCTETS + 225L);
    }

    @Test
    @DisplayName("what an outcome keeps is capped: term, problem, explanation, and each trace event")
    void outcomeTextCapped() {
        String longTerm = "include:" + "a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(60) + ".example";
        String huge = "v=spf1 " + "ip4:192.0.2.200 ".repeat(3000) + longTerm + " -all";
        InMemoryZone zone = InMemoryZone.builder()
            .txt("example.com", huge)
            .txt("broken.example", "v=spf1 " + "x".repeat(10_000) + "=%{z}")
            .build();
        SpfChecker tracing = SpfChecker.builder(zone).tracing(true).build();
        CheckOutcome outcome = tracing.checkHost(CheckRequest.mailFrom(CLIENT, "a@example.com", "h.example.org"));
        assertThat(outcome.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(outcome.term()).hasSizeLessThanOrEqualTo(SpfChecker.MAX_TERM_OCTETS);
        assertThat(outcome.problem()).hasSizeLessThanOrEqualTo(SpfChecker.MAX_PROBLEM_OCTETS);
        assertThat(outcome.trace()).hasSizeLessThanOrEqualTo(SpfChecker.MAX_TRACE_EVENTS);
        int traceChars = 0;
        for (TraceEvent e : outcome.trace()) {
            assertThat(e.subject()).hasSizeLessThanOrEqualTo(SpfChecker.MAX_TRACE_TEXT);
            assertThat(e.detail()).hasSizeLessThanOrEqualTo(SpfChecker.MAX_TRACE_TEXT);
            traceChars += e.subject().length() + e.detail().length();
        }
        // the trace's characters: the cap, plus the one event that crossed it and the truncation notice
        assertThat(traceChars).isLessThanOrEqualTo(SpfChecker.MAX_TRACE_CHARS + 2 * SpfChecker.MAX_TRACE_TEXT + 100);
        assertThat(outcome.trace().get(outcome.trace().size() - 1).type()).isEqualTo(TraceEvent.Type.TRUNCATED);
        CheckOutcome syntax = tracing.checkHost(CheckRequest.mailFrom(CLIENT, "a@broken.example", "h.example.org"));
        assertThat(syntax.reason()).isEqualTo(Reason.SYNTAX);
        assertThat(syntax.term()).hasSizeLessThanOrEqualTo(SpfChecker.MAX_TERM_OCTETS);
        assertThat(syntax.problem()).hasSizeLessThanOrEqualTo(SpfChecker.MAX_PROBLEM_OCTETS);
        assertThat(outcome.withoutTrace().trace()).isEmpty();
        assertThat(outcome.withoutTrace()).extracting(CheckOutcome::result, CheckOutcome::term)
            .containsExactly(outcome.result(), outcome.term());
    }

    @Test
    @DisplayName("4.8: truncation from the left at a label boundary, by index; the same as label by label")
    void truncationAsBefore() {
        String domain = domainOfLength(225);
        String full = (domain + ".").repeat(4) + "tail.example.";
        String byLabels = full.substring(0, full.length() - 1);
        while (byLabels.length() > 253) {
            byLabels = byLabels.substring(byLabels.indexOf('.') + 1);
        }
        assertThat(DomainNames.truncateDomain(full)).isEqualTo(byLabels);
        MacroString spec = MacroString.parse("%{d}.%{d}.%{d}.%{d}.tail.example.", MacroString.Context.DOMAIN_SPEC).value();
        long[] built = new long[1];
        String name = spec.expandDomain(new org.jamesspf.spf.macro.MacroContext() {
            @Override
            public String value(char letter) {
                return domain;
            }

            @Override
            public void built(int octets) {
                built[0] += octets;
            }
        });
        assertThat(name).isEqualTo(byLabels);
        assertThat(built[0]).isLessThanOrEqualTo(MacroString.DOMAIN_WINDOW + 225L);
        // no label boundary in the last 254 octets: not a name at all
        String noDot = "y".repeat(300);
        assertThat(DomainNames.isQueryableName(DomainNames.truncateDomain(noDot))).isFalse();
        assertThat(DomainNames.isQueryableName(MacroString.parse("%{d}", MacroString.Context.DOMAIN_SPEC).value()
            .expandDomain(letter -> noDot))).isFalse();
    }
}
