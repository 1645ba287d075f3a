package org.jamesspf.james.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 8601 5 with RFC 5322 3.2.2 CFWS: which incoming Authentication-Results claim our authserv-id. */
class AuthservIdMatcherTest {
    static Stream<Arguments> values() {
        return Stream.of(
            Arguments.of(" mx.test; spf=pass", true),
            Arguments.of(" MX.TEST;spf=pass", true),
            Arguments.of("mx.test 1; none", true),
            Arguments.of(" (comment) mx.test; none", true),
            Arguments.of(" \"mx.test\"; none", true),
            Arguments.of(" \"MX.test\" ; none", true),
            // nested comments and quoted-pairs inside comments (issue 8: both bypassed indexOf)
            Arguments.of(" (a(b)c) mx.test; dkim=pass header.d=forged.example", true),
            Arguments.of(" (a\\) ) mx.test; dkim=pass header.d=forged.example", true),
            Arguments.of(" (a\\( (b) ) mx.test; none", true),
            Arguments.of(" (x) (y) mx.test; none", true),
            // folding between the comment and the id
            Arguments.of(" (folded\r\n comment)\r\n\tmx.test;\r\n\tspf=pass", true),
            Arguments.of("\r\n mx.test; spf=pass", true),
            // malformed: an unclosed comment that names us is removed, one that does not is kept
            Arguments.of(" (unclosed mx.test; spf=pass", true),
            Arguments.of(" (unclosed other.test; spf=pass", false),
            Arguments.of(" mx.test.evil; none", false),
            Arguments.of(" evil.mx.test; none", false),
            Arguments.of(" other.test; spf=pass smtp.mailfrom=mx.test", false),
            Arguments.of(" (mx.test) other.test; spf=pass", false),
            Arguments.of(" \"other mx.test\"; none", false),
            Arguments.of("; spf=pass", false),
            Arguments.of("", false));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @DisplayName("RFC 8601 5: the authserv-id after any CFWS, case-insensitive")
    @MethodSource("values")
    void claims(String value, boolean expected) {
        assertThat(AuthservIdMatcher.claims(value, "mx.test")).isEqualTo(expected);
    }
}
