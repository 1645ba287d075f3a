package org.jamesspf.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.james.SmtpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drop-in path: the packaged jar in extensions-jars/ of a James 3.8.1 memory server started
 * as its own JVM from the Maven Central artifacts on the test classpath (never from
 * target/classes), configured from james-conf/smtpserver.xml (patched only for loopback ports
 * and the demo DNS server) and the demo conf files.
 */
class DropInJarIT {
    static TestDnsServer dns;

    @BeforeAll
    static void startDns() throws Exception {
        dns = TestDnsServer.start(TestDnsServer.Zone.fromZoneFile(DemoWorkDir.zoneFile()));
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    /** James's classpath: every jar of the test classpath except this project's own classes and jar. */
    private static String jamesClasspath(Path spfJar) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Stream.of(cp.split(File.pathSeparator))
            .filter(e -> e.endsWith(".jar"))
            .filter(e -> !Path.of(e).toAbsolutePath().equals(spfJar.toAbsolutePath()))
            .filter(e -> !e.contains("surefire") && !e.contains("failsafe"))
            .collect(Collectors.joining(File.pathSeparator));
    }

    private static Path spfJar() {
        Path jar = Path.of(System.getProperty("james.spf.jar", "target/james-spf-0.1.0.jar"));
        assertThat(jar).as("run through 'mvn verify': the packaged jar").exists();
        return jar;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Process startJames(Path workDir, Path log) throws IOException {
        Files.createDirectories(workDir.resolve("extensions-jars"));
        Files.copy(spfJar(), workDir.resolve("extensions-jars/james-spf.jar"));
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-Dworking.directory=" + workDir,
            "-Dlogback.configurationFile=" + workDir.resolve("conf/logback.xml"),
            "-cp", jamesClasspath(spfJar()),
            "org.apache.james.MemoryJamesServerMain"));
        return new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
    }

    private static void awaitPort(Process james, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!james.isAlive()) {
                throw new AssertionError("James exited (" + james.exitValue() + "):\n" + Files.readString(log));
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("James did not open port " + port + ":\n" + Files.readString(log));
    }

    private static String rcptReply(int port, String sender, boolean sendData) throws IOException {
        try (SmtpClient smtp = SmtpClient.connect(port, null)) {
            smtp.command("EHLO mail.pass.demo");
            // a first check slower than the shipped 200 ms wait (a cold JVM) gets the pending 451: retry as an MTA would
            String rcpt = smtp.mailAndRcpt(sender, "bob@receiver.demo", java.time.Duration.ofSeconds(20));
            return sendData && rcpt.startsWith("250") ? rcpt + " / " + smtp.data("Subject: drop-in\r\nMessage-ID: <dropin@demo>\r\n\r\nHello.") : rcpt;
        }
    }

    @Test
    @DisplayName("the jar in extensions-jars/ loads in a separate James JVM and enforces SPF")
    void dropInJar(@TempDir Path dir) throws Exception {
        int port = freePort();
        Path work = dir.resolve("james");
        int webAdminPort = freePort();
        DemoWorkDir.write(work, port, webAdminPort, dns.address(), "");
        Path log = dir.resolve("james.log");
        Process james = startJames(work, log);
        try {
            awaitPort(james, port, log);
            assertThat(rcptReply(port, "alice@fail.demo", false))
                .isEqualTo("550 5.7.23 SPF fail: 127.0.0.1 is not a mail server of fail.demo; see https://example.org/spf");
            assertThat(rcptReply(port, "alice@pass.demo", true)).endsWith("250 2.6.0 Message received");
            String raw = DemoServer.newestMessage(work.resolve("var/mail/inbox"), 30_000);
            assertThat(DemoServer.spfHeaders(raw)).hasSize(3);
            assertThat(DemoServer.spfHeaders(raw).get(1)).startsWith("Received-SPF: pass (mx.receiver.demo: domain of alice@pass.demo");
            // one INFO line per check, with its inputs, result and why
            assertThat(Files.readString(log)).contains("SPF hook ready")
                .contains("SPF check ip=127.0.0.1 helo=mail.pass.demo sender=alice@fail.demo identity=mailfrom domain=fail.demo"
                    + " result=fail reason=MATCHED term=-all action=reject lookups=0 void=0 ms=");
            // the explain route, loaded by James's WebAdmin from the jar in extensions-jars/
            java.net.http.HttpResponse<String> explain = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + webAdminPort
                    + "/spf/explain?ip=127.0.0.1&sender=alice@fail.demo&helo=mail.pass.demo")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(explain.statusCode()).as(explain.body()).isEqualTo(200);
            assertThat(explain.body()).contains("\"reply\" : \"550 5.7.23 SPF fail: 127.0.0.1 is not a mail server of fail.demo");
        } finally {
            james.destroy();
            if (!james.waitFor(30, TimeUnit.SECONDS)) {
                james.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    @DisplayName("a configuration error stops James at start-up with a message naming the element")
    void configurationErrorStopsJames(@TempDir Path dir) throws Exception {
        Path work = dir.resolve("james");
        DemoWorkDir.write(work, freePort(), freePort(), dns.address(),
            "<actions><mailfrom><softfail action=\"rejectt\"/></mailfrom></actions>");
        Path log = dir.resolve("james.log");
        Process james = startJames(work, log);
        try {
            assertThat(james.waitFor(120, TimeUnit.SECONDS)).as("James exits").isTrue();
            assertThat(james.exitValue()).isNotZero();
            assertThat(Files.readString(log)).contains("<actions><mailfrom><softfail>: unknown action 'rejectt' (accept|reject|defer)");
        } finally {
            james.destroyForcibly().waitFor();
        }
    }
}
