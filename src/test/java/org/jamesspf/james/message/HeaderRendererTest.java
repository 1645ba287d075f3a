package org.jamesspf.james.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.jamesspf.james.policy.ReplyTemplate;
import org.jamesspf.spf.CheckOutcome;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.dns.InMemoryZone;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7208 9.1 and RFC 8601 header rendering, and that no value can inject a header. */
class HeaderRendererTest {
    private static CheckOutcome outcome(String sender, String helo, String record) {
        InMemoryZone zone = InMemoryZone.builder().txt("example.com", record).build();
        return SpfChecker.builder(zone).build().checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.1"), sender, helo));
    }

    @Test
    @DisplayName("9.1: result, comment and key-value pairs")
    void receivedSpf() {
        String header = HeaderRenderer.receivedSpf(outcome("joe@example.com", "mail.example.com", "v=spf1 ip4:192.0.2.0/24 -all"), "mx.test", Optional.empty());
        assertThat(header).isEqualTo("Received-SPF: pass (mx.test: domain of joe@example.com designates 192.0.2.1 as"
            + " permitted sender)\r\n\tclient-ip=192.0.2.1; envelope-from=\"joe@example.com\"; helo=mail.example.com;"
            + "\r\n\treceiver=mx.test; identity=mailfrom; mechanism=\"ip4:192.0.2.0/24\"");
    }

    @ParameterizedTest
    @DisplayName("hostile HELO and sender values never add a header or a key")
    @ValueSource(strings = {"evil\r\nX-Injected: yes", "a\"; identity=helo; x=\"", "x)(y\\", "\u00e9vil\u0000\u0007"})
    void noInjection(String hostile) {
        String header = HeaderRenderer.receivedSpf(outcome("joe@example.com", hostile, "v=spf1 -all"), "mx.test", Optional.empty());
        String unfolded = header.replace("\r\n\t", " ");
        assertThat(unfolded).doesNotContain("\r").doesNotContain("\n").doesNotContain("\u0000");
        assertThat(keysOutsideQuotes(unfolded)).containsExactly("client-ip", "envelope-from", "helo", "receiver", "identity", "mechanism");
        for (String line : header.split("\r\n")) {
            assertThat(line.length()).isLessThan(998);
        }
        assertThat(HeaderRenderer.authenticationResults("mx.test", List.of(outcome("a@example.com", hostile, "v=spf1 -all")), "", Optional.empty()))
            .doesNotContain("\n" + "X-");
    }

    /** The keys of the key-value list, read as RFC 7208 9.1 does: quoted-strings and comments skipped. */
    private static List<String> keysOutsideQuotes(String header) {
        List<String> keys = new java.util.ArrayList<>();
        StringBuilder token = new StringBuilder();
        boolean quoted = false;
        int comment = 0;
        for (int i = header.indexOf(':') + 1; i < header.length(); i++) {
            char c = header.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (comment > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    comment++;
                } else if (c == ')') {
                    comment--;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '(') {
                comment++;
            } else if (c == '=') {
                keys.add(token.toString().trim());
                token.setLength(0);
            } else if (c == ';' || c == ' ') {
                token.setLength(0);
            } else {
                token.append(c);
            }
        }
        return keys;
    }

    @Test
    @DisplayName("RFC 8601: smtp.mailfrom falls back to the domain for local parts that are no dot-atom")
    void mailfromProperty() {
        String header = HeaderRenderer.authenticationResults("mx.test", List.of(outcome("\"odd local\"@example.com", "h.example.com", "v=spf1 -all")), "", Optional.empty());
        assertThat(header).contains("smtp.mailfrom=example.com").doesNotContain("odd local");
    }

    @Test
    @DisplayName("reply text: CR/LF and controls removed, length bounded")
    void replyText() {
        assertThat(ReplyTemplate.parse("x {explanation}").render(java.util.Map.of("explanation", "a\r\n250 ok\u0000")))
            .isEqualTo("x a 250 ok?");
        assertThat(ReplyTemplate.parse("{explanation}").render(java.util.Map.of("explanation", "y".repeat(1000))))
            .hasSize(ReplyTemplate.MAX_TEXT_LENGTH).endsWith("...");
    }
}
