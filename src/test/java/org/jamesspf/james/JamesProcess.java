package org.jamesspf.james;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jamesspf.dns.james.TestDnsJavaService;

/**
 * A real James 3.8.1 (the {@link JamesTestServer} set-up) in a JVM of its own, for benchmarks:
 * its CPU time is then James's alone, read from the operating system, not mixed with the load
 * generator's. James's own DNS and the plugin's resolve through the given test DNS server; names
 * the JVM resolves itself come from a hosts file (this machine's name and localhost), so a
 * machine without DNS does not add resolver timeouts. Accepted mails are counted and dropped every
 * second (a load of hours would otherwise fill the memory repository, and James's heap). The child
 * answers one-line commands on stdin: {@code accepted} (mails accepted so far), {@code threads}
 * (threads ever started), {@code heap} (heap in use after GC), {@code quit}.
 */
final class JamesProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final int smtpPort;

    private JamesProcess(Process process, BufferedReader out, Writer in, int smtpPort) {
        this.process = process;
        this.out = out;
        this.in = in;
        this.smtpPort = smtpPort;
    }

    /** Starts James with {@code handlerXml} in its SMTP chain (empty: plain James), DNS from {@code dnsAddress} (host:port). */
    static JamesProcess start(String handlerXml, String dnsAddress) throws Exception {
        Path dir = Files.createTempDirectory("james-process");
        Path handler = dir.resolve("handler.xml");
        Files.writeString(handler, handlerXml);
        String host = new String(Files.readAllBytes(Paths.get("/proc/sys/kernel/hostname")), StandardCharsets.US_ASCII).trim();
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost " + host + "\n::1 localhost\n");
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g", "-Djdk.net.hosts.file=" + hosts));
        // e.g. a flight recording of the James with the plugin: -Dbench.pluginJvmArgs=-XX:StartFlightRecording=filename=x.jfr
        String extra = handlerXml.isEmpty() ? "" : System.getProperty("bench.pluginJvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        if (System.getProperty("logback.configurationFile") != null) {
            command.add("-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile"));
            command.add("-Dbench.log=target/bench-james-" + (handlerXml.isEmpty() ? "plain" : "plugin") + ".log");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), JamesProcess.class.getName(), dir.toString(),
            handler.toString(), dnsAddress));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("smtp ")) {
            // logging set-up lines, if any
        }
        if (line == null) {
            process.destroyForcibly();
            throw new IllegalStateException("James did not start");
        }
        Writer in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        return new JamesProcess(process, out, in, Integer.parseInt(line.substring(5).trim()));
    }

    int smtpPort() {
        return smtpPort;
    }

    /** CPU time the James JVM has used so far (user and system), as the OS reports it. */
    Duration cpu() {
        return process.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no CPU time for " + process.pid()));
    }

    long accepted() throws IOException {
        return Long.parseLong(ask("accepted"));
    }

    long threadsStarted() throws IOException {
        return Long.parseLong(ask("threads"));
    }

    /** Milliseconds the James JVM's JIT compilers have spent so far (CompilationMXBean). */
    long jitMillis() throws IOException {
        return Long.parseLong(ask("jit"));
    }

    long heapAfterGc() throws IOException {
        return Long.parseLong(ask("heap"));
    }

    private synchronized String ask(String command) throws IOException {
        in.write(command + "\n");
        in.flush();
        String line = out.readLine();
        if (line == null) {
            throw new IOException("James process ended");
        }
        return line.trim();
    }

    @Override
    public void close() throws Exception {
        try {
            in.write("quit\n");
            in.flush();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The child: args = work dir, handler XML file, DNS server host:port. */
    public static void main(String[] args) throws Exception {
        PrintStream stdout = System.out;
        String handlerXml = Files.readString(Paths.get(args[1]));
        String[] dns = args[2].split(":");
        TestDnsJavaService jamesDns = TestDnsJavaService.start(new InetSocketAddress(dns[0], Integer.parseInt(dns[1])), Duration.ofSeconds(1));
        com.google.inject.Module dnsBinding = binder -> binder.bind(org.apache.james.dnsservice.api.DNSService.class).toInstance(jamesDns);
        try (JamesTestServer james = JamesTestServer.start(Paths.get(args[0]).resolve("james"), handlerXml, dnsBinding)) {
            java.util.concurrent.ScheduledExecutorService dropper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "accepted-mail-dropper");
                t.setDaemon(true);
                return t;
            });
            dropper.scheduleWithFixedDelay(() -> {
                try {
                    james.dropAccepted();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }, 1, 1, TimeUnit.SECONDS);
            stdout.println("smtp " + james.smtpPort());
            stdout.flush();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            String command;
            while ((command = commands.readLine()) != null && !command.equals("quit")) {
                switch (command) {
                    case "accepted":
                        stdout.println(james.dropAccepted());
                        break;
                    case "threads":
                        stdout.println(ManagementFactory.getThreadMXBean().getTotalStartedThreadCount());
                        break;
                    case "jit":
                        stdout.println(ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
                        break;
                    case "heap":
                        long used = Long.MAX_VALUE;
                        for (int i = 0; i < 4; i++) {
                            System.gc();
                            Thread.sleep(50);
                            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                        }
                        stdout.println(used);
                        break;
                    default:
                        stdout.println("unknown command " + command);
                }
                stdout.flush();
            }
        }
        System.exit(0);
    }
}
