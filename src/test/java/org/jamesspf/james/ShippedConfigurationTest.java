package org.jamesspf.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.jamesspf.demo.DemoWorkDir;
import org.jamesspf.spf.Identity;
import org.jamesspf.spf.SpfResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** james-conf/ and examples/ stay true to the code: they parse, and james-conf shows the defaults. */
class ShippedConfigurationTest {
    private static HierarchicalConfiguration<ImmutableNode> load(Path file) throws Exception {
        XMLConfiguration xml = new XMLConfiguration();
        new FileHandler(xml).load(Files.newBufferedReader(file));
        return xml;
    }

    @Test
    @DisplayName("james-conf/smtpserver.xml: the handler shows exactly the defaults")
    void jamesConfShowsDefaults() throws Exception {
        HierarchicalConfiguration<ImmutableNode> smtp = load(DemoWorkDir.projectDir().resolve("james-conf/smtpserver.xml"));
        List<HierarchicalConfiguration<ImmutableNode>> handlers = smtp.configurationsAt("smtpserver.handlerchain.handler");
        HierarchicalConfiguration<ImmutableNode> spf = handlers.stream()
            .filter(h -> "org.jamesspf.james.SpfHook".equals(h.getString("[@class]"))).findFirst().orElseThrow();
        assertThat(SpfHookConfig.from(spf)).isEqualTo(SpfHookConfig.defaults());
    }

    static List<Path> examples() throws Exception {
        try (Stream<Path> files = Files.list(DemoWorkDir.projectDir().resolve("examples"))) {
            return files.filter(f -> f.toString().endsWith(".xml")).sorted().collect(Collectors.toList());
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    @DisplayName("examples/*.xml are valid handler configurations")
    void examplesParse(Path example) throws Exception {
        SpfHookConfig config = SpfHookConfig.from(load(example));
        assertThat(config).isNotNull();
        if (example.getFileName().toString().equals("tag-only.xml")) {
            for (SpfResult r : SpfResult.values()) {
                assertThat(config.actions().actionFor(Identity.MAILFROM, r).refuses()).isFalse();
                assertThat(config.actions().actionFor(Identity.HELO, r).refuses()).isFalse();
            }
        }
        if (example.getFileName().toString().equals("enforce-at-data.xml")) {
            assertThat(config.enforceAt()).isEqualTo(SpfHookConfig.EnforceAt.DATA);
        }
    }
}
