package org.jamesspf.spf;

import static org.assertj.core.api.Assertions.assertThat;

import org.jamesspf.spf.dns.InMemoryZone;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7208 2.3, 2.4, 4.3, 4.4, 4.5: identities, initial processing, record lookup and selection. */
class IdentityTest {
    private static final InMemoryZone ZONE = InMemoryZone.builder()
        .txt("example.com", "v=spf1 ip4:192.0.2.1 -all")
        .txt("helo.example.net", "v=spf1 ip4:192.0.2.2 -all")
        .txt("two.example.com", "v=spf1 +all").txt("two.example.com", "v=spf1 -all")
        .txt("other.example.com", "not spf").txt("other.example.com", "v=spf1 ip4:192.0.2.1 -all")
        .txt("split.example.com", "v=spf1 ip4:192.0.2.1", " -all")
        .txt("nospf.example.com", "v=spf10 +all")
        .a("norecord.example.com", "192.0.2.9")
        .timeout("slow.example.com")
        .build();

    private static CheckOutcome mailFrom(String ip, String sender, String helo) {
        return SpfChecker.builder(ZONE).build().checkHost(CheckRequest.mailFrom(IpAddress.parse(ip), sender, helo));
    }

    @Test
    @DisplayName("2.3: the HELO identity checks the HELO name")
    void helo() {
        CheckOutcome outcome = SpfChecker.builder(ZONE).build().checkHost(CheckRequest.helo(IpAddress.parse("192.0.2.2"), "helo.example.net"));
        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(outcome.request().sender()).isEqualTo("postmaster@helo.example.net");
        assertThat(outcome.request().identity()).isEqualTo(Identity.HELO);
    }

    @Test
    @DisplayName("2.4: a null reverse-path is checked as postmaster@HELO")
    void nullSender() {
        CheckOutcome outcome = mailFrom("192.0.2.2", "", "helo.example.net");
        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(outcome.domain()).isEqualTo("helo.example.net");
        assertThat(outcome.request().localPart()).isEqualTo("postmaster");
    }

    @Test
    @DisplayName("4.3: a sender without local-part gets postmaster")
    void noLocalPart() {
        assertThat(mailFrom("192.0.2.1", "@example.com", "h").request().sender()).isEqualTo("postmaster@example.com");
    }

    @ParameterizedTest
    @DisplayName("4.3: malformed or single-label domains give none without lookups")
    @ValueSource(strings = {"a@localhost", "a@[192.0.2.1]", "a@example..com", "a@.example.com", "a@example.123",
        "a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", "a@exa mple.com"})
    void invalidDomains(String sender) {
        CheckOutcome outcome = mailFrom("192.0.2.1", sender, "h.example.org");
        assertThat(outcome.result()).isEqualTo(SpfResult.NONE);
        assertThat(outcome.reason()).isEqualTo(Reason.INVALID_DOMAIN);
    }

    @Test
    @DisplayName("4.4, 4.5: record lookup and selection")
    void selection() {
        assertThat(mailFrom("192.0.2.1", "a@two.example.com", "h").reason()).isEqualTo(Reason.MULTIPLE_RECORDS);
        assertThat(mailFrom("192.0.2.1", "a@other.example.com", "h").result()).isEqualTo(SpfResult.PASS);
        assertThat(mailFrom("192.0.2.1", "a@nospf.example.com", "h").result()).isEqualTo(SpfResult.NONE);
        assertThat(mailFrom("192.0.2.1", "a@norecord.example.com", "h").result()).isEqualTo(SpfResult.NONE);
        assertThat(mailFrom("192.0.2.1", "a@missing.example.com", "h").reason()).isEqualTo(Reason.NO_RECORD);
        assertThat(mailFrom("192.0.2.1", "a@slow.example.com", "h").result()).isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    @DisplayName("3.3: the strings of one TXT record are joined without spaces")
    void multiString() {
        CheckOutcome outcome = mailFrom("192.0.2.1", "a@split.example.com", "h");
        assertThat(outcome.result()).isEqualTo(SpfResult.PASS);
        assertThat(mailFrom("192.0.2.3", "a@split.example.com", "h").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    @DisplayName("trace: record, terms and result in order")
    void traceIsOrdered() {
        CheckOutcome outcome = mailFrom("192.0.2.3", "a@example.com", "h");
        assertThat(outcome.trace()).extracting(TraceEvent::type).startsWith(TraceEvent.Type.RECORD, TraceEvent.Type.TERM,
            TraceEvent.Type.NO_MATCH, TraceEvent.Type.TERM, TraceEvent.Type.MATCH);
        assertThat(outcome.term()).isEqualTo("-all");
    }
}
