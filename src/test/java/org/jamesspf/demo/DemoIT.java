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
        try (DemoServer demo = DemoServer.start(dir.resolve("james"), port, 0)) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            List<String> results = demo.selfCheck(new PrintStream(printed, true, "UTF-8"));
            assertThat(results.get(0)).isEqualTo("550 5.7.23 SPF fail: 127.0.0.1 is not a mail server of fail.demo; see https://example.org/spf");
            assertThat(results.get(1)).isEqualTo("250 2.1.5 Recipient <bob@receiver.demo> OK / 250 2.6.0 Message received");
            assertThat(results.get(2)).startsWith("Authentication-Results: mx.receiver.demo;").contains("spf=pass");
            assertThat(results.get(3)).startsWith("Received-SPF: pass (mx.receiver.demo: domain of alice@pass.demo designates 127.0.0.1");
            assertThat(printed.toString("UTF-8")).contains("550 5.7.23");

            // the README's curl commands: the explain route and James's metrics route on the demo's WebAdmin
            String web = "http://127.0.0.1:" + demo.webAdminPort();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String explain = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(web
                    + "/spf/explain?ip=127.0.0.1&sender=alice@fail.demo&helo=mail.pass.demo&rcpt=bob@receiver.demo")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(explain);
            assertThat(json.get("reply").asText()).isEqualTo(results.get(0));
            assertThat(json.get("checks").get(1).get("dns").get(0).get("records").get(0).asText())
                .isEqualTo("v=spf1 ip4:192.0.2.0/24 -all exp=why.fail.demo.");
            String metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(web + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("spf_decision_mailfrom_fail_reject_total 1.0").contains("spf_dns_queriesPerCheck_count ");
        }
    }
}
