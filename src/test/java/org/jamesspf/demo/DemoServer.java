package org.jamesspf.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.server.core.configuration.Configuration;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.james.SmtpClient;

/**
 * The README's first command: a James 3.8.1 with the SPF handler (james-conf/smtpserver.xml)
 * and a DNS server answering the demo zone (examples/demo/demo.zone), all on loopback ports.
 * It sends two sample transactions itself, prints what happened, and keeps running for you to
 * try with swaks until Ctrl-C. {@code -Ddemo.smtpPort} (default 2525) picks the SMTP port;
 * {@code -Ddemo.selfCheckOnly=true} stops after the sample transactions.
 */
public final class DemoServer implements AutoCloseable {
    private final TestDnsServer dns;
    private final GuiceJamesServer james;
    private final Path workDir;
    private final int port;

    private DemoServer(TestDnsServer dns, GuiceJamesServer james, Path workDir, int port) {
        this.dns = dns;
        this.james = james;
        this.workDir = workDir;
        this.port = port;
    }

    /** WebAdmin's port (the explain and metrics routes). */
    public int webAdminPort() {
        return james.getProbe(org.apache.james.utils.WebAdminGuiceProbe.class).getWebAdminPort().getValue();
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("demo.smtpPort", 2525);
        int webAdminPort = Integer.getInteger("demo.webadminPort", 8000);
        boolean selfCheckOnly = Boolean.getBoolean("demo.selfCheckOnly");
        DemoServer demo = start(Path.of("target", "demo-james").toAbsolutePath(), port, webAdminPort);
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close));
        demo.printInstructions();
        demo.selfCheck(System.out);
        if (selfCheckOnly) {
            demo.close();
            System.exit(0);
        }
        System.out.println("James is running; press Ctrl-C to stop.");
        Thread.currentThread().join();
    }

    public static DemoServer start(Path workDir, int port, int webAdminPort) throws Exception {
        deleteRecursively(workDir);
        TestDnsServer dns = TestDnsServer.start(TestDnsServer.Zone.fromZoneFile(DemoWorkDir.zoneFile()));
        DemoWorkDir.write(workDir, port, webAdminPort, dns.address(), "");
        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
            .workingDirectory(workDir.toFile())
            .configurationPath(new Configuration.ConfigurationPath("file://conf/"))
            .build();
        GuiceJamesServer james = MemoryJamesServerMain.createServer(configuration);
        james.start();
        return new DemoServer(dns, james, workDir, port);
    }

    void printInstructions() {
        String p = String.valueOf(port);
        System.out.println();
        System.out.println("=== james-spf demo: James 3.8.1 SMTP on 127.0.0.1:" + p + ", demo DNS on " + dns.address() + " ===");
        System.out.println("Demo domains (examples/demo/demo.zone): pass.demo fail.demo softfail.demo neutral.demo broken.demo");
        System.out.println("  split.demo include.demo mx.demo; HELO names mail.pass.demo mail.fail.demo. Local domain: receiver.demo");
        System.out.println("Try it with swaks (apt-get install swaks):");
        System.out.println("  swaks --server 127.0.0.1:" + p + " --helo mail.pass.demo --from alice@fail.demo --to bob@receiver.demo");
        System.out.println("      -> refused: 550 5.7.23 SPF fail: 127.0.0.1 is not a mail server of fail.demo; ...");
        System.out.println("  swaks --server 127.0.0.1:" + p + " --helo mail.pass.demo --from alice@pass.demo --to bob@receiver.demo");
        System.out.println("      -> delivered to " + workDir.resolve("var/mail/inbox") + " with Received-SPF and Authentication-Results");
        String web = "http://127.0.0.1:" + webAdminPort();
        System.out.println("What SPF would do, step by step (WebAdmin explain route), and the metrics:");
        System.out.println("  curl '" + web + "/spf/explain?ip=127.0.0.1&sender=alice@fail.demo&helo=mail.pass.demo&rcpt=bob@receiver.demo'");
        System.out.println("  curl -s " + web + "/metrics | grep '^spf_'");
        System.out.println();
    }

    /** Sends a failing and a passing transaction over SMTP and prints the replies and the delivered headers. */
    public List<String> selfCheck(java.io.PrintStream out) throws Exception {
        List<String> replies = new ArrayList<>();
        replies.add(transaction("alice@fail.demo", "self-check fail"));
        replies.add(transaction("alice@pass.demo", "self-check pass"));
        out.println("Self-check, from 127.0.0.1 with HELO mail.pass.demo:");
        out.println("  MAIL FROM:<alice@fail.demo> -> " + replies.get(0));
        out.println("  MAIL FROM:<alice@pass.demo> -> " + replies.get(1));
        List<String> headers = deliveredSpfHeaders(30_000);
        out.println("  headers added to the delivered message:");
        for (String h : headers) {
            out.println("    " + h.replace("\r\n", "\n    "));
        }
        replies.addAll(headers);
        return replies;
    }

    private String transaction(String sender, String subject) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(port, null)) {
            smtp.command("EHLO mail.pass.demo");
            // a first check slower than the shipped 200 ms wait (a cold JVM) gets the pending 451: retry as an MTA would
            String rcpt = smtp.mailAndRcpt(sender, "bob@receiver.demo", java.time.Duration.ofSeconds(20));
            if (!rcpt.startsWith("250")) {
                return rcpt;
            }
            return rcpt + " / " + smtp.data("From: " + sender + "\r\nTo: bob@receiver.demo\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + System.nanoTime() + "@demo>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\nHello.");
        }
    }

    /** The SPF header lines of the newest message in the inbox file repository. */
    List<String> deliveredSpfHeaders(long timeoutMillis) throws Exception {
        return spfHeaders(newestMessage(workDir.resolve("var/mail/inbox"), timeoutMillis));
    }

    /** The raw text of the newest message a file repository holds, waiting for one to arrive. */
    public static String newestMessage(Path repository, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (Files.isDirectory(repository)) {
                try (Stream<Path> files = Files.list(repository)) {
                    List<Path> streams = files.filter(f -> f.toString().endsWith(".FileStreamStore"))
                        .sorted(Comparator.comparingLong(f -> f.toFile().lastModified())).collect(Collectors.toList());
                    if (!streams.isEmpty()) {
                        String raw = Files.readString(streams.get(streams.size() - 1), StandardCharsets.ISO_8859_1);
                        // James may still be writing it (a busy machine): wait for the whole header block
                        if (raw.contains("\r\n\r\n")) {
                            return raw;
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no message delivered to " + repository);
    }

    /** Received-SPF and Authentication-Results header fields (with their folded lines) of a raw message. */
    public static List<String> spfHeaders(String raw) {
        String head = raw.split("\r\n\r\n", 2)[0];
        List<String> fields = new ArrayList<>();
        for (String field : head.split("\r\n(?![ \t])")) {
            if (field.startsWith("Received-SPF:") || field.startsWith("Authentication-Results:")) {
                fields.add(field);
            }
        }
        return fields;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        james.stop();
        dns.close();
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
