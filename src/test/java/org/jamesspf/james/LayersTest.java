package org.jamesspf.james;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The James side's packages import one way only (package-info of {@code org.jamesspf.james}): webadmin
 * → explain → message and checks → config → policy → text, the root above all; and only the root
 * touches James's SMTP types.
 */
class LayersTest {
    private static final String ROOT = "org.jamesspf.james";
    private final JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.jamesspf");

    @Test
    @DisplayName("imports run one way: webadmin, root > explain > message, checks > config > policy > text")
    void layers() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("root").definedBy(ROOT)
            .layer("webadmin").definedBy(ROOT + ".webadmin..")
            .layer("explain").definedBy(ROOT + ".explain..")
            .layer("message").definedBy(ROOT + ".message..")
            .layer("checks").definedBy(ROOT + ".checks..")
            .layer("config").definedBy(ROOT + ".config..")
            .layer("policy").definedBy(ROOT + ".policy..")
            .layer("text").definedBy(ROOT + ".text..")
            .whereLayer("root").mayNotBeAccessedByAnyLayer()
            .whereLayer("webadmin").mayNotBeAccessedByAnyLayer()
            .whereLayer("explain").mayOnlyBeAccessedByLayers("root", "webadmin")
            .whereLayer("message").mayOnlyBeAccessedByLayers("root", "explain")
            .whereLayer("checks").mayOnlyBeAccessedByLayers("root", "explain")
            .whereLayer("config").mayOnlyBeAccessedByLayers("root", "explain", "message", "checks")
            .whereLayer("policy").mayOnlyBeAccessedByLayers("root", "explain", "message", "checks", "config")
            .whereLayer("text").mayOnlyBeAccessedByLayers("root", "explain", "message", "checks", "config", "policy")
            .check(classes);
    }

    @Test
    @DisplayName("only the root reads James's SMTP session and answers James's hooks")
    void smtpTypesAtTheRootOnly() {
        noClasses().that().resideInAPackage(ROOT + ".*..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.james.protocols..", "org.apache.james.smtpserver..")
            .check(classes);
    }

    @Test
    @DisplayName("policy and text are values and rules: nothing of James, no configuration library, no I/O")
    void policyIsPure() {
        noClasses().that().resideInAnyPackage(ROOT + ".policy..", ROOT + ".text..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache..", "javax.mail..", "org.slf4j..", "java.io..", "java.net..",
                "org.jamesspf.dns..")
            .check(classes);
    }

    @Test
    @DisplayName("the engine and the DNS adapters know nothing of the hook")
    void engineBelowTheHook() {
        noClasses().that().resideInAnyPackage("org.jamesspf.spf..", "org.jamesspf.dns..")
            .should().dependOnClassesThat().resideInAPackage(ROOT + "..")
            .check(classes);
    }
}
