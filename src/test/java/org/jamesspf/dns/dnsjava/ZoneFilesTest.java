package org.jamesspf.dns.dnsjava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.IpAddress;
import org.jamesspf.spf.SpfChecker;
import org.jamesspf.spf.SpfResult;
import org.jamesspf.spf.dns.DnsAnswer;
import org.jamesspf.spf.dns.InMemoryZone;
import org.junit.jupiter.api.Test;

class ZoneFilesTest {
    private static InMemoryZone load(String text) throws IOException {
        return ZoneFiles.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test.zone");
    }

    @Test
    void loadsBindSyntax() throws Exception {
        InMemoryZone zone = load(String.join("\n",
            "$ORIGIN example.com.",
            "$TTL 300",
            "@      IN SOA ns.example.com. admin.example.com. 1 3600 600 86400 300",
            "@      IN NS  ns.example.com.",
            "@      IN TXT \"v=spf1 mx a:relay.example.com\" \" -all\"",
            "@      IN MX  10 mail",
            "mail   IN A   192.0.2.10",
            "mail   IN AAAA 2001:db8::10",
            "relay  IN A   192.0.2.20",
            "alias  IN CNAME mail",
            "10.2.0.192.in-addr.arpa. IN PTR mail.example.com.",
            ""));
        assertThat(zone.txt("example.com").toCompletableFuture().get().records()).containsExactly("v=spf1 mx a:relay.example.com -all");
        assertThat(zone.mx("example.com").toCompletableFuture().get().records()).containsExactly("mail.example.com");
        assertThat(zone.a("alias.example.com").toCompletableFuture().get().records()).containsExactly(IpAddress.parse("192.0.2.10"));
        assertThat(zone.ptr(IpAddress.parse("192.0.2.10")).toCompletableFuture().get().records()).containsExactly("mail.example.com");
        assertThat(zone.a("nope.example.com").toCompletableFuture().get().kind()).isEqualTo(DnsAnswer.Kind.NXDOMAIN);
        SpfChecker checker = SpfChecker.builder(zone).build();
        assertThat(checker.checkHost(CheckRequest.mailFrom(IpAddress.parse("2001:db8::10"), "a@example.com", "h")).result())
            .isEqualTo(SpfResult.PASS);
        assertThat(checker.checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.20"), "a@example.com", "h")).result())
            .isEqualTo(SpfResult.PASS);
        assertThat(checker.checkHost(CheckRequest.mailFrom(IpAddress.parse("192.0.2.99"), "a@example.com", "h")).result())
            .isEqualTo(SpfResult.FAIL);
    }

    @Test
    void errorsNameTheSource() {
        assertThatThrownBy(() -> load("example.com. IN A 999.1.1.1\n")).isInstanceOf(IOException.class).hasMessageContaining("test.zone");
        assertThatThrownBy(() -> load("$INCLUDE /etc/passwd\n")).isInstanceOf(IOException.class).hasMessageContaining("test.zone");
    }
}
