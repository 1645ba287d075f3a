package org.jamesspf.spf.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** Where the suite comes from, in each of the three situations: the shared copy, Debian's gzip copy only, none. */
class SuiteLoaderTest {
    static byte[] suiteText;

    @BeforeAll
    static void readSuite() throws Exception {
        Path path = SuiteLoader.suiteForTests();
        try (InputStream raw = Files.newInputStream(path)) {
            byte[] bytes = raw.readAllBytes();
            // whichever copy was found (plain or Debian's gzip), keep the plain text
            suiteText = bytes.length > 1 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b
                ? new GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes() : bytes;
        }
    }

    private static Path plainCopy(Path dir) throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared/spf-testsuite")).resolve("rfc7208-tests.yml");
        Files.write(shared, suiteText);
        return shared;
    }

    private static Path gzipCopy(Path dir) throws Exception {
        Path gz = Files.createDirectories(dir.resolve("usr/share/doc/python3-spf")).resolve("rfc7208-tests.yml.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(suiteText);
        }
        return gz;
    }

    private static void assertWholeSuite(Path path) throws Exception {
        List<SuiteScenario> scenarios = SuiteLoader.load(path);
        assertThat(scenarios).hasSize(16);
        assertThat(scenarios.stream().mapToInt(s -> s.cases.size()).sum()).isEqualTo(SuiteLoader.CASES);
    }

    @Test
    @DisplayName("the shared copy present: it is used, read as YAML, 203 cases")
    void sharedCopy(@TempDir Path dir) throws Exception {
        Path shared = plainCopy(dir);
        Path debian = gzipCopy(dir);
        Path found = SuiteLoader.suiteForTests(SuiteLoader.locate(List.of(shared, debian)), true);
        assertThat(found).isEqualTo(shared);
        assertWholeSuite(found);
    }

    @Test
    @DisplayName("only Debian's gzip copy: it is used, read as gzip by content, 203 cases")
    void debianCopyOnly(@TempDir Path dir) throws Exception {
        Path debian = gzipCopy(dir);
        Path found = SuiteLoader.suiteForTests(SuiteLoader.locate(List.of(dir.resolve("missing.yml"), debian)), true);
        assertThat(found).isEqualTo(debian);
        assertWholeSuite(found);
        // gzip is told by content, not by name
        Path renamed = Files.copy(debian, dir.resolve("suite.yml"));
        assertWholeSuite(renamed);
    }

    @Test
    @DisplayName("no copy at all: required (CI) fails, saying where to get it; a plain local run skips with that message")
    void noCopy(@TempDir Path dir) {
        Optional<Path> none = SuiteLoader.locate(List.of(dir.resolve("a.yml"), dir.resolve("b.yml.gz")));
        assertThat(none).isEmpty();
        assertThatThrownBy(() -> SuiteLoader.suiteForTests(none, true)).isInstanceOf(AssertionError.class)
            .hasMessageContaining("rfc7208-tests.yml not found").hasMessageContaining("python3-spf");
        assertThatThrownBy(() -> SuiteLoader.suiteForTests(none, false)).isInstanceOf(TestAbortedException.class)
            .hasMessageContaining("rfc7208-tests.yml not found");
    }
}
