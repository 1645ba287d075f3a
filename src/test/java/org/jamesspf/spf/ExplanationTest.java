package org.jamesspf.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jamesspf.spf.dns.InMemoryZone;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 7208 6.2: explanations. */
class ExplanationTest {
    private static CheckOutcome check(InMemoryZone zone) {
        return SpfChecker.builder(zone).clock(Clock.fixed(Instant.ofEpochSecond(1234567890), ZoneOffset.UTC)).build()
            .checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "joe@example.com", "h.example.org").withReceiver("mx.receiver.example"));
    }

    @Test
    @DisplayName("6.2: exp TXT is macro-expanded with c, r and t")
    void expandsExp() {
        CheckOutcome outcome = check(InMemoryZone.builder()
            .txt("example.com", "v=spf1 -all exp=why.%{d}")
            .txt("why.example.com", "%{c} not allowed for %{l} by %{r} at %{t}")
            .build());
        assertThat(outcome.explanation()).isEqualTo("192.0.2.1 not allowed for joe by mx.receiver.example at 1234567890");
        assertThat(outcome.term()).isEqualTo("-all");
    }

    @Test
    @DisplayName("6.2: no exp -> the documented default sentence")
    void defaultExplanation() {
        CheckOutcome outcome = check(InMemoryZone.builder().txt("example.com", "v=spf1 -all").build());
        assertThat(outcome.explanation()).isEqualTo("example.com does not designate 192.0.2.1 as a permitted sender");
    }

    @Test
    @DisplayName("6.2: DNS error, several TXT or a bad explain-string -> default, result unchanged")
    void brokenExpFallsBack() {
        InMemoryZone zone = InMemoryZone.builder()
            .txt("example.com", "v=spf1 -all exp=why.example.com")
            .timeout("why.example.com")
            .build();
        assertThat(check(zone).result()).isEqualTo(SpfResult.FAIL);
        assertThat(check(zone).explanation()).startsWith("example.com does not designate");
        InMemoryZone two = InMemoryZone.builder()
            .txt("example.com", "v=spf1 -all exp=why.example.com")
            .txt("why.example.com", "one").txt("why.example.com", "two")
            .build();
        assertThat(check(two).explanation()).startsWith("example.com does not designate");
        InMemoryZone bad = InMemoryZone.builder()
            .txt("example.com", "v=spf1 -all exp=why.example.com")
            .txt("why.example.com", "bad %{x} macro")
            .build();
        assertThat(check(bad).explanation()).startsWith("example.com does not designate");
    }

    @Test
    @DisplayName("6.2: only fail carries an explanation; an included record's exp is not used")
    void onlyOnFail() {
        assertThat(check(InMemoryZone.builder().txt("example.com", "v=spf1 ~all exp=why.example.com")
            .txt("why.example.com", "x").build()).explanation()).isEmpty();
        CheckOutcome included = check(InMemoryZone.builder()
            .txt("example.com", "v=spf1 include:inc.example.com -all")
            .txt("inc.example.com", "v=spf1 -all exp=why.example.com")
            .txt("why.example.com", "from include")
            .build());
        assertThat(included.explanation()).startsWith("example.com does not designate");
    }

    @Test
    @DisplayName("6.1: after redirect, the target's exp is used")
    void redirectExp() {
        CheckOutcome outcome = check(InMemoryZone.builder()
            .txt("example.com", "v=spf1 redirect=r.example.com exp=orig.example.com")
            .txt("r.example.com", "v=spf1 -all exp=why.example.com")
            .txt("why.example.com", "from %{d}")
            .txt("orig.example.com", "from origin")
            .build());
        assertThat(outcome.explanation()).isEqualTo("from r.example.com");
    }

    @Test
    @DisplayName("6.2: the default explanation is configurable and validated")
    void configurableDefault() {
        InMemoryZone zone = InMemoryZone.builder().txt("example.com", "v=spf1 -all").build();
        SpfChecker checker = SpfChecker.builder(zone).defaultExplanation("See https://example.org/spf?d=%{O}").build();
        assertThat(checker.checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), "a@example.com", "h")).explanation())
            .isEqualTo("See https://example.org/spf?d=example.com");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SpfChecker.builder(zone).defaultExplanation("bad %{x}").build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad %{x}");
    }
}
