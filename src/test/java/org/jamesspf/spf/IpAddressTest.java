package org.jamesspf.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {
    static Stream<Arguments> valid() {
        return Stream.of(
            Arguments.of("192.0.2.1", "192.0.2.1"),
            Arguments.of("0.0.0.0", "0.0.0.0"),
            Arguments.of("255.255.255.255", "255.255.255.255"),
            Arguments.of("2001:db8::1", "2001:db8::1"),
            Arguments.of("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
            Arguments.of("::", "::"),
            Arguments.of("::1", "::1"),
            Arguments.of("1::", "1::"),
            Arguments.of("::ffff:192.0.2.1", "::ffff:c000:201"),
            Arguments.of("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            Arguments.of("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parsesAndPrintsCanonically(String text, String canonical) {
        assertThat(IpAddress.parseOrNull(text)).hasToString(canonical);
    }

    @ParameterizedTest
    @DisplayName("12: qnum has no leading zeros, no scope, ASCII digits only")
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "1.2.3.4 ", "1..2.3", "\u0661.2.3.4",
        "fe80::1%eth0", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7", ":1::", "1::2:"})
    void rejects(String text) {
        assertThat(IpAddress.parseOrNull(text)).isNull();
    }

    @Test
    @DisplayName("5: an IPv4-mapped IPv6 address is checked as IPv4")
    void unmapsV4Mapped() {
        assertThat(IpAddress.parse("::ffff:192.0.2.1").unmapped()).isEqualTo(IpAddress.parse("192.0.2.1"));
        assertThat(IpAddress.parse("2001:db8::1").unmapped().isV6()).isTrue();
    }

    @Test
    void cidrMatching() {
        IpAddress ip = IpAddress.parse("192.0.2.130");
        assertThat(ip.isIn(IpAddress.parse("192.0.2.128"), 25)).isTrue();
        assertThat(ip.isIn(IpAddress.parse("192.0.2.0"), 25)).isFalse();
        assertThat(ip.isIn(IpAddress.parse("10.0.0.0"), 0)).isTrue();
        assertThat(ip.isIn(IpAddress.parse("::"), 0)).isFalse();
        IpAddress v6 = IpAddress.parse("2001:db8:1:2::5");
        assertThat(v6.isIn(IpAddress.parse("2001:db8:1::"), 48)).isTrue();
        assertThat(v6.isIn(IpAddress.parse("2001:db8:2::"), 48)).isFalse();
        assertThat(v6.isIn(IpAddress.parse("2001:db8:1:2::4"), 126)).isTrue();
        assertThat(v6.isIn(IpAddress.parse("2001:db8:1:2::4"), 128)).isFalse();
        assertThat(v6.isIn(IpAddress.parse("2001:db8:1:2::"), 64)).isTrue();
    }

    @Test
    @DisplayName("5.6: a prefix past the network's width is refused, never a match-all")
    void outOfRangePrefixes() {
        IpAddress v4 = IpAddress.parse("192.0.2.1");
        assertThatThrownBy(() -> v4.isIn(IpAddress.parse("10.0.0.0"), 33)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("33");
        assertThatThrownBy(() -> v4.isIn(IpAddress.parse("10.0.0.0"), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> v4.isIn(IpAddress.parse("2001:db8::"), 129)).isInstanceOf(IllegalArgumentException.class);
        assertThat(v4.isIn(IpAddress.parse("192.0.2.0"), 32)).isFalse();
        assertThat(v4.isIn(IpAddress.parse("2001:db8::"), 64)).as("other family, valid prefix").isFalse();
    }

    @Test
    @DisplayName("7.3: i macro and reverse names")
    void macroAndReverseForms() {
        assertThat(IpAddress.parse("192.0.2.1").reverseName()).isEqualTo("1.2.0.192.in-addr.arpa");
        assertThat(IpAddress.parse("2001:db8::cb01").toMacroForm())
            .isEqualTo("2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.C.B.0.1");
        assertThat(IpAddress.parse("2001:db8::cb01").reverseName())
            .isEqualTo("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    }
}
