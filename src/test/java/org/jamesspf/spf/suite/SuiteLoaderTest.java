package org.jamesspf.spf.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteLoaderTest {
    @Test
    @DisplayName("the suite is read as YAML or as Debian's gzip copy, 203 cases in 16 scenarios either way")
    void readsPlainAndGzip(@TempDir Path dir) throws Exception {
        Optional<Path> path = SuiteLoader.locate();
        Assumptions.assumeTrue(path.isPresent(), SuiteLoader.WHERE_TO_GET_IT);
        Path gz = dir.resolve("rfc7208-tests.yml.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(path.get(), out);
        }
        for (Path p : List.of(path.get(), gz)) {
            List<SuiteScenario> scenarios = SuiteLoader.load(p);
            assertThat(scenarios).hasSize(16);
            assertThat(scenarios.stream().mapToInt(s -> s.cases.size()).sum()).isEqualTo(203);
        }
    }
}
