package org.jamesspf.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.james.dnsservice.api.DNSService;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.dns.TestRecords;
import org.jamesspf.dns.james.TestDnsJavaService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * DNS fidelity on a stock James with the default handler configuration: James's DNSJavaService,
 * registered as dnsjava's default (James's default), its resolver pointed at the test DNS server
 * (James's configuration only takes port 53). The hook must pick the dnsjava path by itself, so
 * that what DNSJavaService's interface would lose still holds.
 */
class StockJamesDnsIT {
    @TempDir
    static Path dir;
    static TestDnsServer dns;
    static JamesTestServer james;
    static Runnable restoreDefaults;

    @BeforeAll
    static void start() throws Exception {
        dns = TestDnsServer.start(new TestDnsServer.Zone()
            .add(TestRecords.txt("split.test", "v=spf1 ip4:192.0.2.0/24", " -all"))
            .add(TestRecords.txt("v6.test", "v=spf1 a:host.v6.test -all"))
            .add(TestRecords.a("host.v6.test", "192.0.2.99"))
            .add(TestRecords.aaaa("host.v6.test", "2001:db8::99"))
            .add(TestRecords.txt("nomx.test", "v=spf1 mx -all"))
            .add(TestRecords.a("nomx.test", "192.0.2.50"))
            .add(TestRecords.txt("ptr.test", "v=spf1 ptr:good.ptr.test -all"))
            .add(TestRecords.ptr("7.2.0.192.in-addr.arpa", "other.example"))
            .add(TestRecords.ptr("7.2.0.192.in-addr.arpa", "host.good.ptr.test"))
            .add(TestRecords.a("other.example", "192.0.2.7"))
            .add(TestRecords.a("host.good.ptr.test", "192.0.2.7"))
            .timeout("slowtxt.test", Type.TXT)
            .add(TestRecords.txt("helo.test", "v=spf1 +all")));
        TestDnsJavaService stock = TestDnsJavaService.start(new InetSocketAddress("127.0.0.1", dns.port()), Duration.ofMillis(500));
        restoreDefaults = stock.registerAsDnsjavaDefault();
        james = JamesTestServer.start(dir, "<handler class=\"org.jamesspf.james.SpfHook\"><dns><timeBudgetMs>3000</timeBudgetMs></dns></handler>",
            binder -> binder.bind(DNSService.class).toInstance(stock));
    }

    @AfterAll
    static void stop() {
        if (james != null) {
            james.close();
        }
        if (restoreDefaults != null) {
            restoreDefaults.run();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private static String rcpt(String ip, String sender) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(james.smtpPort(), ip)) {
            smtp.command("EHLO helo.test");
            smtp.command("MAIL FROM:<" + sender + ">");
            return smtp.command("RCPT TO:<bob@receiver.test>");
        }
    }

    @Test
    @DisplayName("3.3: multi-string TXT joined without spaces")
    void multiString() throws Exception {
        assertThat(rcpt("192.0.2.1", "a@split.test")).startsWith("250");
        assertThat(rcpt("198.51.100.1", "a@split.test")).startsWith("550 5.7.23");
    }

    @Test
    @DisplayName("5.3: a matches an IPv6 client through AAAA")
    void aaaa() throws Exception {
        assertThat(rcpt("2001:db8::99", "a@v6.test")).startsWith("250");
        assertThat(rcpt("2001:db8::98", "a@v6.test")).startsWith("550 5.7.23");
    }

    @Test
    @DisplayName("5.4: no implicit MX")
    void noImplicitMx() throws Exception {
        assertThat(rcpt("192.0.2.50", "a@nomx.test")).startsWith("550 5.7.23");
    }

    @Test
    @DisplayName("5.5: every PTR name is considered")
    void allPtrNames() throws Exception {
        assertThat(rcpt("192.0.2.7", "a@ptr.test")).startsWith("250");
    }

    @Test
    @DisplayName("4.4: a TXT timeout gives temperror")
    void txtTimeout() throws Exception {
        assertThat(rcpt("192.0.2.1", "a@slowtxt.test")).startsWith("451 4.7.24");
    }
}
