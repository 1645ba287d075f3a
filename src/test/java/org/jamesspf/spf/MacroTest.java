package org.jamesspf.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.jamesspf.spf.macro.MacroString;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7208 7: macro expansion, using the RFC's own examples (7.4). */
class MacroTest {
    private static final Map<Character, String> VALUES = Map.of(
        's', "strong-bad@email.example.com", 'l', "strong-bad", 'o', "email.example.com", 'd', "email.example.com",
        'i', "192.0.2.3", 'v', "in-addr", 'h', "mx.example.org", 'c', "192.0.2.3", 'r', "receiver.example.net",
        'p', "unknown");

    static Stream<Arguments> examples() {
        return Stream.of(
            Arguments.of("%{s}", "strong-bad@email.example.com"),
            Arguments.of("%{o}", "email.example.com"),
            Arguments.of("%{d}", "email.example.com"),
            Arguments.of("%{d4}", "email.example.com"),
            Arguments.of("%{d3}", "email.example.com"),
            Arguments.of("%{d2}", "example.com"),
            Arguments.of("%{d1}", "com"),
            Arguments.of("%{dr}", "com.example.email"),
            Arguments.of("%{d2r}", "example.email"),
            Arguments.of("%{l}", "strong-bad"),
            Arguments.of("%{l-}", "strong.bad"),
            Arguments.of("%{lr}", "strong-bad"),
            Arguments.of("%{lr-}", "bad.strong"),
            Arguments.of("%{l1r-}", "strong"),
            Arguments.of("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"),
            Arguments.of("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"),
            Arguments.of("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"),
            Arguments.of("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"),
            Arguments.of("%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"),
            Arguments.of("%%%_%-", "% %20"),
            Arguments.of("%{S}", "strong-bad%40email.example.com"),
            Arguments.of("%{L+-}", "strong.bad"),
            Arguments.of("%{d200}", "email.example.com"));
    }

    @ParameterizedTest(name = "7.4: {0} -> {1}")
    @MethodSource("examples")
    void expandsRfcExamples(String macro, String expected) {
        MacroString m = MacroString.parse(macro, MacroString.Context.EXPLANATION).value();
        assertThat(m.expand(letter -> VALUES.get(letter), Integer.MAX_VALUE)).isEqualTo(expected);
    }

    @ParameterizedTest
    @DisplayName("7.1: c, r and t only in explanations; bad letters, escapes and delimiters are errors")
    @ValueSource(strings = {"%{c}.example.com", "%{r}.example.com", "%{t}.example.com", "%{x}.example.com",
        "%{d0}.example.com", "%{d2x}.example.com", "%a.example.com", "%{d.example.com", "%{}.example.com", "%"})
    void rejectsInDomainSpec(String text) {
        assertThat(MacroString.parse(text, MacroString.Context.DOMAIN_SPEC).isValid()).as(text).isFalse();
    }

    @ParameterizedTest
    @DisplayName("6.2: explanations take spaces and the c, r, t letters")
    @ValueSource(strings = {"%{c} is not allowed by %{r} at %{t}", "plain words", ""})
    void acceptsInExplanation(String text) {
        assertThat(MacroString.parse(text, MacroString.Context.EXPLANATION).isValid()).as(text).isTrue();
    }
}
