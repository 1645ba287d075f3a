package org.jamesspf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jamesspf.demo.DemoWorkDir;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The packaged -cli jar runs on its own with java -jar. */
class CliJarIT {
    private static String[] run(String... args) throws Exception {
        Path jar = Path.of(System.getProperty("james.spf.cli.jar", "target/james-spf-0.1.0-cli.jar"));
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
            jar.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String[] {String.valueOf(p.exitValue()), out};
    }

    @Test
    @DisplayName("java -jar james-spf-cli.jar: help, a check against the demo zone, a lint")
    void runsStandalone() throws Exception {
        String[] help = run("--help");
        assertThat(help[0]).isEqualTo("0");
        assertThat(help[1]).contains("Usage: james-spf").contains("check").contains("lint");
        String zone = DemoWorkDir.zoneFile().toString();
        String[] check = run("check", "--zone", zone, "--ip", "127.0.0.1", "--sender", "a@fail.demo");
        assertThat(check[0]).isEqualTo("0");
        assertThat(check[1]).contains("result:       fail (matched)")
            .contains("explanation:  127.0.0.1 is not a mail server of fail.demo; see https://example.org/spf")
            .doesNotContain("SLF4J");
        String[] lint = run("lint", "--zone", zone, "broken.demo");
        assertThat(lint[0]).isEqualTo("1");
        assertThat(lint[1]).contains("ERROR broken.demo: syntax error");
        assertThat(Files.size(Path.of(System.getProperty("james.spf.cli.jar", "target/james-spf-0.1.0-cli.jar")))).isLessThan(5_000_000);
    }
}
