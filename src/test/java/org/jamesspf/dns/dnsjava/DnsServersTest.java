package org.jamesspf.dns.dnsjava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DnsServersTest {
    @ParameterizedTest
    @CsvSource({"192.0.2.1,/192.0.2.1,53", "192.0.2.1:5353,/192.0.2.1,5353", "::1,/0:0:0:0:0:0:0:1,53",
        "[::1]:5353,/0:0:0:0:0:0:0:1,5353", "[2001:db8::1],/2001:db8:0:0:0:0:0:1,53"})
    void parses(String spec, String address, int port) {
        InetSocketAddress parsed = DnsServers.parse(spec);
        assertThat(parsed.getAddress().toString()).isEqualTo(address);
        assertThat(parsed.getPort()).isEqualTo(port);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "192.0.2.1:0", "192.0.2.1:65536", "192.0.2.1:x", "[::1", "[::1]x", "[::1]:", ":53"})
    void rejects(String spec) {
        assertThatThrownBy(() -> DnsServers.parse(spec)).isInstanceOf(IllegalArgumentException.class);
    }
}
