package org.jamesspf.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, as a test: james-conf/smtpserver.xml and the demo zone, plain SMTP (no PROXY). */
class DemoIT {
    @Test
    @DisplayName("demo: a failing sender is refused with 550 5.7.23, a passing one is delivered with both headers")
    void demoSelfCheck(@TempDir Path dir) throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (DemoServer demo = DemoServer.start(dir.resolve("james"), port)) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            List<String> results = demo.selfCheck(new PrintStream(printed, true, "UTF-8"));
            assertThat(results.get(0)).isEqualTo("550 5.7.23 SPF fail: 127.0.0.1 is not a mail server of fail.demo; see https://example.org/spf");
            assertThat(results.get(1)).isEqualTo("250 2.1.5 Recipient <bob@receiver.demo> OK / 250 2.6.0 Message received");
            assertThat(results.get(2)).startsWith("Authentication-Results: mx.receiver.demo;").contains("spf=pass");
            assertThat(results.get(3)).startsWith("Received-SPF: pass (mx.receiver.demo: domain of alice@pass.demo designates 127.0.0.1");
            assertThat(printed.toString("UTF-8")).contains("550 5.7.23");
        }
    }
}
