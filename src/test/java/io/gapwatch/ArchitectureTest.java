package io.gapwatch;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The engine — learners, the exact fit, diagnostics — is plain Java on EJML. Kafka, Micrometer,
 * JSON, the CLI and logging are adapters around it; if the engine imported them, replay and the
 * stream processor could no longer share one code path.
 */
@AnalyzeClasses(packages = "io.gapwatch", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule engineImportsNoFrameworks = noClasses()
            .that().resideInAPackage("io.gapwatch.engine..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.apache.kafka..", "io.micrometer..", "org.apache.avro..", "com.fasterxml..",
                    "picocli..", "org.slf4j..", "ch.qos.logback..")
            .because("the engine must run the same in replay, in the stream processor and in benchmarks");

    @ArchTest
    static final ArchRule engineDependsOnNothingAroundIt = noClasses()
            .that().resideInAPackage("io.gapwatch.engine..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.gapwatch.app..", "io.gapwatch.replay..", "io.gapwatch.report..",
                    "io.gapwatch.stream..", "io.gapwatch.metrics..", "io.gapwatch.http..", "io.gapwatch.demo..")
            .because("adapters depend on the engine, never the other way round");

    @ArchTest
    static final ArchRule onlyTheMetricsAdapterKnowsMicrometer = noClasses()
            .that().resideOutsideOfPackage("io.gapwatch.metrics..")
            .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..", "io.prometheus..")
            .because("the processor reports through StreamListener; Micrometer is one adapter of it");
}
