package org.jamesspf.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jamesspf.spf.dns.InMemoryZone;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The explain route's answers for odd and hostile inputs: a clear answer or a named bad parameter, never a crash. */
class ExplainerTest {
    private static final InMemoryZone ZONE = InMemoryZone.builder()
        .txt("pass.test", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all")
        .txt("loop.test", "v=spf1 include:loop.test -all")
        .timeout("slow.test")
        .build();

    private static Explainer explainer(String handlerBody) throws Exception {
        return new Explainer(SpfHookConfigTest.parse(handlerBody), ZONE, org.jamesspf.spf.EngineThreads.common(), () -> "mx.receiver.test");
    }

    @Test
    @DisplayName("hostile HELO and sender text is only data: JSON escapes it, headers are written by their grammar")
    void hostileInput() throws Exception {
        Map<String, Object> json = explainer("").explain("192.0.2.1", "", "a.test;\r\nX-Injected: 1", Optional.empty());
        String text = new ObjectMapper().writeValueAsString(json);
        assertThat(new ObjectMapper().readTree(text).get("input").get("helo").asText()).isEqualTo("a.test;\r\nX-Injected: 1");
        @SuppressWarnings("unchecked")
        List<String> headers = (List<String>) json.get("headers");
        assertThat(headers).isNotEmpty().allSatisfy(h -> assertThat(h).doesNotContain("\r\nX-Injected"));
        HeaderGrammar.authenticationResults(headers.get(0));
    }

    @ParameterizedTest(name = "ip={0} sender={1} helo={2} -> {3}")
    @DisplayName("every odd input gets an answer")
    @CsvSource(delimiter = '|', value = {
        "192.0.2.1|alice@pass.test|pass.test|pass",
        "::ffff:192.0.2.1|alice@pass.test||pass",
        "2001:db8::1|alice@pass.test||pass",
        "198.51.100.1|alice@loop.test||permerror",
        "192.0.2.1|alice@slow.test||temperror",
        "192.0.2.1|||none",
        "192.0.2.1|alice@localhost||none"})
    void answers(String ip, String sender, String helo, String mailFromResult) throws Exception {
        Map<String, Object> json = explainer("").explain(ip, sender == null ? "" : sender, helo == null ? "" : helo, Optional.empty());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> checks = (List<Map<String, Object>>) json.get("checks");
        assertThat(checks.get(checks.size() - 1).get("result")).isEqualTo(mailFromResult);
    }

    @Test
    @DisplayName("bad parameters are named")
    void badParameters() throws Exception {
        Explainer explainer = explainer("");
        assertThatThrownBy(() -> explainer.explain("1.2.3", "a@b.test", "", Optional.empty()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ip: ");
        assertThatThrownBy(() -> explainer.explain("1.2.3.4", "a b@c", "", Optional.empty()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("sender: ");
        assertThatThrownBy(() -> explainer.explain("1.2.3.4", "a@b.test", "", Optional.of("nobody")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rcpt: ");
    }

    @Test
    @DisplayName("a skipped transaction says why and checks nothing")
    void skipped() throws Exception {
        Map<String, Object> json = explainer("<skip><trustedNetworks>192.0.2.0/24</trustedNetworks></skip>")
            .explain("192.0.2.1", "alice@pass.test", "", Optional.of("bob@receiver.test"));
        assertThat(json.get("exemption")).isEqualTo("skipped: trusted-network");
        assertThat((List<?>) json.get("checks")).isEmpty();
        assertThat(json.get("reply")).isNull();
    }
}
