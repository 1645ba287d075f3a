package org.jamesspf.spf;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine depends on no James, Netty or dnsjava type: it talks to DNS through SpfDns only. */
class ArchitectureTest {
    private final JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.jamesspf");

    @Test
    void engineImportsNoServerOrResolverTypes() {
        noClasses().that().resideInAPackage("org.jamesspf.spf..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.james..", "io.netty..", "org.xbill..",
                "com.google..", "org.slf4j..")
            .check(classes);
    }

    @Test
    void hookNeedsNoCommandLineLibrary() {
        // The drop-in jar runs inside James, which has no picocli.
        noClasses().that().resideOutsideOfPackage("org.jamesspf.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("picocli..", "org.jamesspf.cli..")
            .check(classes);
    }
}
