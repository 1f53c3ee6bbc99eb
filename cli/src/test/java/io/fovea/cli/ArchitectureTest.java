package io.fovea.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The code follows the data: no two packages import each other, directly or around a loop, and
 * no module imports one that comes after it (schemas, model-core, local-broker, trainer-job and
 * stream-app side by side, bench, cli). The launcher module sees every other, so the rules run here.
 */
class ArchitectureTest {
    private static final JavaClasses FOVEA = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fovea");

    @Test
    void theRulesSeeEveryModule() {
        for (String pkg : new String[] {
            "io.fovea.avro",
            "io.fovea.schemas",
            "io.fovea.core",
            "io.fovea.broker",
            "io.fovea.testing",
            "io.fovea.trainer",
            "io.fovea.stream",
            "io.fovea.bench",
            "io.fovea.cli"
        }) {
            if (!FOVEA.containPackage(pkg)) {
                throw new AssertionError("no classes of " + pkg + " imported: the rules below would pass vacuously");
            }
        }
    }

    /**
     * ONNX Runtime is about 75 MB of native libraries: only serving (and what launches it) runs it,
     * and int8 quantization, which must calibrate and check a model in the runtime that serves it.
     */
    @Test
    void onlyServingAndQuantizationUseOnnxRuntime() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.fovea.avro..",
                        "io.fovea.schemas..",
                        "io.fovea.core..",
                        "io.fovea.broker..",
                        "io.fovea.testing..",
                        "io.fovea.trainer..")
                .and()
                .resideOutsideOfPackage("io.fovea.core.onnx.quant..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("ai.onnxruntime..")
                .check(FOVEA);
    }

    /** The store hands out manifests and verified bytes; building a model from them is a backend's job. */
    @Test
    void theStoreKnowsNoModelFramework() {
        noClasses()
                .that()
                .resideInAPackage("io.fovea.core.store..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.deeplearning4j..", "org.nd4j..", "ai.onnxruntime..")
                .check(FOVEA);
    }

    /** Models are loaded, checked and run without Kafka; following releases (release/) reads the topic. */
    @Test
    void modelsKnowNoKafka() {
        noClasses()
                .that()
                .resideInAPackage("io.fovea.stream.model..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.kafka..")
                .check(FOVEA);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.fovea.(**)").should().beFreeOfCycles().check(FOVEA);
    }

    @Test
    void modulesImportOnlyModulesBeforeThem() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("schemas")
                .definedBy("io.fovea.avro..", "io.fovea.schemas..")
                .layer("model-core")
                .definedBy("io.fovea.core..")
                .layer("local-broker")
                .definedBy("io.fovea.broker..")
                .layer("test-support")
                .definedBy("io.fovea.testing..")
                .layer("trainer-job")
                .definedBy("io.fovea.trainer..")
                .layer("stream-app")
                .definedBy("io.fovea.stream..")
                .layer("bench")
                .definedBy("io.fovea.bench..")
                .layer("cli")
                .definedBy("io.fovea.cli..")
                .whereLayer("schemas")
                .mayNotAccessAnyLayer()
                .whereLayer("model-core")
                .mayOnlyAccessLayers("schemas")
                .whereLayer("local-broker")
                .mayNotAccessAnyLayer()
                .whereLayer("test-support")
                .mayOnlyAccessLayers("schemas", "model-core", "local-broker")
                .whereLayer("trainer-job")
                .mayOnlyAccessLayers("schemas", "model-core")
                .whereLayer("stream-app")
                .mayOnlyAccessLayers("schemas", "model-core")
                .whereLayer("bench")
                .mayOnlyAccessLayers("schemas", "model-core", "local-broker", "trainer-job", "stream-app")
                .check(FOVEA);
    }
}
