package org.jamesspf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jamesspf.dns.TestDnsServer;
import org.jamesspf.dns.TestRecords;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end, in process: arguments, standard input, output and exit code. */
class CliTest {
    static final class Run {
        final int code;
        final String out;
        final String err;

        Run(int code, String out, String err) {
            this.code = code;
            this.out = out;
            this.err = err;
        }
    }

    static Run run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SpfCli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static Path zone(Path dir, String... lines) throws Exception {
        Path file = dir.resolve("test.zone");
        Files.writeString(file, "$ORIGIN example.\n$TTL 300\n" + String.join("\n", lines) + "\n");
        return file;
    }

    @Test
    @DisplayName("check: result, explanation, term and lookup counts; --trace indents by include depth")
    void checkText(@TempDir Path dir) throws Exception {
        Path zone = zone(dir,
            "corp IN TXT \"v=spf1 include:_spf.corp.example. -all exp=why.corp.example.\"",
            "_spf.corp IN TXT \"v=spf1 ip4:192.0.2.0/24 -all\"",
            "why.corp IN TXT \"%{i} may not send for %{d}\"");
        Run fail = run("", "check", "--zone", zone.toString(), "--ip", "198.51.100.7", "--sender", "ann@corp.example", "--trace");
        assertThat(fail.code).isZero();
        assertThat(fail.out).contains("result:       fail (matched)")
            .contains("term:         -all")
            .contains("explanation:  198.51.100.7 may not send for corp.example")
            .contains("lookups:      1 DNS-querying terms, 0 void")
            .contains("  record corp.example: v=spf1 include:_spf.corp.example. -all")
            .contains("    record _spf.corp.example: v=spf1 ip4:192.0.2.0/24 -all");
        Run pass = run("", "check", "--zone", zone.toString(), "--ip", "192.0.2.9", "--sender", "ann@corp.example");
        assertThat(pass.out).contains("result:       pass (matched)").contains("term:         include:_spf.corp.example.");
    }

    @Test
    @DisplayName("check --json: one object; --helo alone checks the HELO identity")
    void checkJson(@TempDir Path dir) throws Exception {
        Path zone = zone(dir, "mail.corp IN TXT \"v=spf1 a -all\"", "mail.corp IN A 192.0.2.25");
        Run run = run("", "check", "--zone", zone.toString(), "--ip", "192.0.2.25", "--helo", "mail.corp.example", "--json");
        assertThat(run.code).isZero();
        assertThat(run.out.trim()).startsWith("{\"ip\":\"192.0.2.25\",\"identity\":\"helo\",\"sender\":\"postmaster@mail.corp.example\"")
            .contains("\"result\":\"pass\"").contains("\"term\":\"a\"").contains("\"dnsLookups\":1").endsWith("}");
        assertThat(run.out.trim().lines().count()).isEqualTo(1);
    }

    @Test
    @DisplayName("usage errors exit with 2; --help on every command exits 0")
    void usage() {
        assertThat(run("", "check", "--sender", "a@example.org").code).isEqualTo(2);
        assertThat(run("", "check", "--ip", "300.1.1.1", "--sender", "a@example.org", "--zone", "/dev/null").code).isEqualTo(2);
        assertThat(run("", "check", "--ip", "192.0.2.1", "--zone", "/dev/null").code).isEqualTo(2);
        assertThat(run("", "check", "--bogus").code).isEqualTo(2);
        assertThat(run("", "lint").code).isEqualTo(2);
        assertThat(run("", "check", "--ip", "192.0.2.1", "--sender", "a@b.example", "--zone", "/x", "--dns-server", "192.0.2.53").code)
            .isEqualTo(2);
        for (List<String> args : List.of(List.of("--help"), List.of("check", "--help"), List.of("lint", "--help"))) {
            Run help = run("", args.toArray(new String[0]));
            assertThat(help.code).as(args.toString()).isZero();
            assertThat(help.out).contains("Usage:");
        }
        assertThat(run("", "--help").out).contains("Exit codes:").contains("2   usage error");
    }

    @Test
    @DisplayName("a zone file that cannot be read is a failure (3), not a usage error")
    void missingZone(@TempDir Path dir) {
        Run run = run("", "check", "--zone", dir.resolve("nope.zone").toString(), "--ip", "192.0.2.1", "--sender", "a@b.example");
        assertThat(run.code).isEqualTo(3);
        assertThat(run.err).contains("nope.zone");
    }

    @Test
    @DisplayName("check --batch over real DNS sockets: one JSON line per input, in order, bad lines as errors")
    void batchOverTheNetwork() throws Exception {
        TestDnsServer.Zone zone = new TestDnsServer.Zone()
            .add(TestRecords.txt("pass.example", "v=spf1 ip4:192.0.2.0/24 -all"))
            .add(TestRecords.txt("fail.example", "v=spf1 -all"))
            .add(TestRecords.txt("slow.example", "v=spf1 ip4:192.0.2.0/24 -all"))
            .delay("slow.example", java.time.Duration.ofMillis(300))
            .add(TestRecords.txt("helo.example", "v=spf1 ip4:192.0.2.1 -all"));
        try (TestDnsServer dns = TestDnsServer.start(zone)) {
            String input = String.join("\n",
                "{\"ip\": \"192.0.2.1\", \"sender\": \"a@slow.example\", \"helo\": \"h.example\"}",
                "{\"ip\": \"192.0.2.1\", \"sender\": \"a@fail.example\"}",
                "not json",
                "{\"ip\": \"192.0.2.1\", \"sender\": \"\", \"helo\": \"helo.example\"}",
                "{\"ip\": \"999.0.0.1\", \"sender\": \"a@pass.example\"}",
                "",
                "{\"ip\": \"192.0.2.1\", \"helo\": \"helo.example\"}",
                "{\"ip\": \"192.0.2.1\", \"sender\": \"a@pass.example\", \"colour\": \"red\"}",
                "{\"ip\": \"2001:db8::1\", \"sender\": \"a@pass.example\"}");
            Run run = run(input, "check", "--batch", "--dns-server", dns.address(), "--dns-timeout-ms", "2000");
            assertThat(run.code).isZero();
            List<String> lines = run.out.lines().collect(java.util.stream.Collectors.toList());
            assertThat(lines).hasSize(8);
            assertThat(lines.get(0)).startsWith("{\"line\":1,").contains("\"result\":\"pass\"").contains("\"domain\":\"slow.example\"");
            assertThat(lines.get(1)).startsWith("{\"line\":2,").contains("\"result\":\"fail\"")
                .contains("\"explanation\":\"fail.example does not designate 192.0.2.1 as a permitted sender\"");
            assertThat(lines.get(2)).startsWith("{\"line\":3,\"error\":");
            assertThat(lines.get(3)).startsWith("{\"line\":4,").contains("\"identity\":\"mailfrom\"")
                .contains("\"sender\":\"postmaster@helo.example\"").contains("\"result\":\"pass\"");
            assertThat(lines.get(4)).isEqualTo("{\"line\":5,\"error\":\"not an IP address: '999.0.0.1'\"}");
            assertThat(lines.get(5)).startsWith("{\"line\":7,").contains("\"identity\":\"helo\"").contains("\"result\":\"pass\"");
            assertThat(lines.get(6)).isEqualTo("{\"line\":8,\"error\":\"unknown key \\\"colour\\\" (ip, sender, helo)\"}");
            assertThat(lines.get(7)).startsWith("{\"line\":9,").contains("\"result\":\"fail\"");
        }
    }

    @Test
    @DisplayName("check --batch answers each line as soon as it is checked: a client writes one line, reads its answer, writes the next")
    void batchStreams(@TempDir Path dir) throws Exception {
        Path zone = zone(dir, "corp TXT \"v=spf1 ip4:192.0.2.0/24 -all\"");
        java.io.PipedOutputStream toCli = new java.io.PipedOutputStream();
        java.io.PipedInputStream stdin = new java.io.PipedInputStream(toCli);
        java.io.PipedInputStream fromCli = new java.io.PipedInputStream(1 << 16);
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(new java.io.PipedOutputStream(fromCli), StandardCharsets.UTF_8), true);
        java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Integer> code = runner.submit(() -> SpfCli.run(
                new String[] {"check", "--batch", "--parallel", "4", "--zone", zone.toString()}, stdin, out,
                new PrintWriter(new StringWriter(), true)));
            java.io.BufferedReader answers = new java.io.BufferedReader(new java.io.InputStreamReader(fromCli, StandardCharsets.UTF_8));
            java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                for (int i = 1; i <= 3; i++) {
                    String ip = i == 2 ? "198.51.100.1" : "192.0.2." + i;
                    toCli.write(("{\"ip\": \"" + ip + "\", \"sender\": \"a@corp.example\"}\n").getBytes(StandardCharsets.UTF_8));
                    toCli.flush();
                    // stdin stays open: the answer must come now, not at the next line or at EOF (10 s: a hang guard)
                    String answer = reader.submit(answers::readLine).get(10, java.util.concurrent.TimeUnit.SECONDS);
                    assertThat(answer).startsWith("{\"line\":" + i + ",").contains("\"ip\":\"" + ip + "\"")
                        .contains(i == 2 ? "\"result\":\"fail\"" : "\"result\":\"pass\"");
                }
                toCli.close();
                assertThat(code.get(10, java.util.concurrent.TimeUnit.SECONDS)).isZero();
            } finally {
                reader.shutdownNow();
            }
        } finally {
            runner.shutdownNow();
        }
    }

    @Test
    @DisplayName("check --batch JSON through Jackson: escapes and Unicode read and written as JSON says; bad lines give error objects")
    void batchJson(@TempDir Path dir) throws Exception {
        Path zone = zone(dir, "corp TXT \"v=spf1 -all\"");
        Run run = run(String.join("\n",
            "{\"ip\": \"192.0.2.1\", \"sender\": \"\\u00e9\\\"q\\\\@corp.example\"}",
            "{\"ip\": \"192.0.2.1\", \"sender\": 5}",
            "{\"ip\": \"192.0.2.1\", \"ip\": \"192.0.2.2\", \"sender\": \"a@corp.example\"}",
            "{\"ip\": \"192.0.2.1\", \"sender\": \"a@corp.example\"} trailing",
            "[1, 2]",
            "{\"ip\": \"192.0.2.1\", \"sender\": \"a@corp.example\", \"x\": null}",
            "{\"ip\": \"192.0.2.1\", \"sender\": \"a@corp.example\""), "check", "--batch", "--zone", zone.toString());
        String[] lines = run.out.split("\n");
        assertThat(lines).hasSize(7);
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode first = mapper.readTree(lines[0]);
        assertThat(first.get("sender").textValue()).isEqualTo("\u00e9\"q\\@corp.example");
        assertThat(first.get("result").textValue()).isEqualTo("fail");
        assertThat(first.get("dnsLookups").isNumber()).isTrue();
        assertThat(mapper.readTree(lines[1]).get("error").textValue()).isEqualTo("value of \"sender\" must be a string");
        assertThat(mapper.readTree(lines[2]).get("error").textValue()).contains("Duplicate field 'ip'");
        assertThat(mapper.readTree(lines[3]).get("error").textValue()).startsWith("not JSON");
        assertThat(mapper.readTree(lines[4]).get("error").textValue()).isEqualTo("expected a JSON object");
        assertThat(mapper.readTree(lines[5]).get("error").textValue()).isEqualTo("unknown key \"x\" (ip, sender, helo)");
        assertThat(mapper.readTree(lines[6]).get("error").textValue()).startsWith("not JSON");
        for (int i = 0; i < lines.length; i++) {
            assertThat(mapper.readTree(lines[i]).get("line").intValue()).isEqualTo(i + 1);
        }
    }
}
