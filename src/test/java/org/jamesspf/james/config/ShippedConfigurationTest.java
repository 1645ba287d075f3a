package org.jamesspf.james.config;

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
import org.jamesspf.james.policy.EnforceAt;
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
            assertThat(config.enforceAt()).isEqualTo(EnforceAt.DATA);
        }
        if (example.getFileName().toString().equals("per-domain.xml")) {
            assertThat(config.policyFor("mx.strict.example.org").actions().actionFor(Identity.MAILFROM, SpfResult.SOFTFAIL).refuses())
                .isTrue();
            assertThat(config.policyFor("lists.example.org").dryRun()).isTrue();
            assertThat(config.policyFor("archive.example.org").enforceAt()).isEqualTo(EnforceAt.DATA);
            assertThat(config.policyFor("example.org")).isEqualTo(config.defaultPolicy());
        }
    }

    @Test
    @DisplayName("james-conf/smtpserver.xml: the commented <domains> example is a valid configuration")
    void jamesConfDomainsExample() throws Exception {
        String xml = Files.readString(DemoWorkDir.projectDir().resolve("james-conf/smtpserver.xml"));
        String example = xml.substring(xml.indexOf("<domains>"), xml.indexOf("</domains>") + "</domains>".length());
        SpfHookConfig config = SpfHookConfigTest.parse(example);
        assertThat(config.domainPolicies()).hasSize(2);
        assertThat(config.policyFor("lists.example.org").dryRun()).isTrue();
    }

    @Test
    @DisplayName("james-conf/webadmin.properties names WebAdmin routes that exist: the explain route and James's metrics route")
    void jamesConfWebAdmin() throws Exception {
        java.util.Properties properties = new java.util.Properties();
        try (var in = Files.newBufferedReader(DemoWorkDir.projectDir().resolve("james-conf/webadmin.properties"))) {
            properties.load(in);
        }
        assertThat(properties.getProperty("extensions.routes").split(",")).containsExactly(
            "org.jamesspf.james.webadmin.SpfExplainRoutes", "org.apache.james.webadmin.dropwizard.MetricsRoutes");
        for (String route : properties.getProperty("extensions.routes").split(",")) {
            assertThat(org.apache.james.webadmin.Routes.class.isAssignableFrom(Class.forName(route))).isTrue();
        }
    }
}
