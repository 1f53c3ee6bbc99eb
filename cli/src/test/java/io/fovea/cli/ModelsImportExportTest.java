package io.fovea.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.backend.BackendSettings;
import io.fovea.stream.model.backend.Backends;
import io.fovea.stream.model.backend.OnnxRuntimeBackend;
import io.fovea.testing.ForeignOnnxModels;
import io.fovea.testing.TinyBundles;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/fovea models import} and {@code models export}, as a user runs them. */
class ModelsImportExportTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void aKerasStyleModelIsImportedCheckedAndPromotedLikeAnyVersion() throws Exception {
        ForeignOnnxModels.dense(dir.resolve("keras.onnx"), 24, 5, true, true, 0, 2);
        Files.writeString(dir.resolve("labels.txt"), "cat\ndog\nfox\nowl\nyak\n");
        String store = dir.resolve("store").toString();

        CliRun imported = CliRun.of(
                "models",
                "import",
                "animals",
                "--onnx",
                dir.resolve("keras.onnx").toString(),
                "--labels",
                dir.resolve("labels.txt").toString(),
                "--input-size",
                "24",
                "--layout",
                "NHWC",
                "--normalize",
                "unit",
                "--output",
                "logits",
                "--store",
                store);
        assertEquals(0, imported.exitCode(), imported.err());
        assertTrue(imported.out().contains("as animals@1"), imported.out());
        BundleManifest manifest = new DirectoryModelStore(dir.resolve("store")).manifest("animals", 1);
        assertEquals(List.of("cat", "dog", "fox", "owl", "yak"), manifest.labels());
        assertEquals(List.of(ModelFormat.onnx(ModelFormat.ONNX_FILE, "NHWC", "logits")), manifest.formats());
        assertFalse(manifest.model(ModelFormat.DL4J).isPresent());

        CliRun promoted = CliRun.of("models", "promote", "animals@1", "--store", store);
        assertEquals(0, promoted.exitCode(), promoted.err());
    }

    /** A tensor kept in another file would have ONNX Runtime read whatever path it names. */
    @Test
    void aModelWithTensorDataInAnotherFileIsRefusedAndNoVersionAppears() throws Exception {
        Path file = dir.resolve("external.onnx");
        ForeignOnnxModels.dense(file, 24, 5, false, true, 0, 2);
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file)).toBuilder();
        model.getGraphBuilder()
                .getInitializerBuilder(0)
                .clearRawData()
                .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey("location")
                        .setValue("../../secrets/weights.bin"));
        Files.write(file, model.build().toByteArray());

        CliRun refused = importFiveLabels(file.toString());

        assertEquals(2, refused.exitCode(), refused.out());
        assertTrue(refused.err().contains("keeps tensor data outside the file"), refused.err());
        assertTrue(refused.err().contains("'w' (in ../../secrets/weights.bin)"), refused.err());
        assertTrue(new DirectoryModelStore(dir.resolve("store"))
                .versions("animals")
                .isEmpty());
    }

    @Test
    void aFileOverHalfTheHeapIsRefusedUnreadAndNoVersionAppears() throws Exception {
        // sparse, so the test writes nothing: reading it whole would run this JVM out of heap
        Path file = dir.resolve("huge.onnx");
        long overTheBound = Runtime.getRuntime().maxMemory() / 2 + 1;
        try (RandomAccessFile huge = new RandomAccessFile(file.toFile(), "rw")) {
            huge.setLength(overTheBound);
        }

        CliRun refused = importFiveLabels(file.toString());

        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("would hold " + overTheBound + " bytes, more than half"), refused.err());
        assertTrue(refused.err().contains("(-Xmx), for bin/fovea in FOVEA_JAVA_OPTS"), refused.err());
        assertTrue(new DirectoryModelStore(dir.resolve("store"))
                .versions("animals")
                .isEmpty());
    }

    @Test
    void aModelThatDoesNotMatchItsDeclarationIsRefusedAndNoVersionAppears() {
        ForeignOnnxModels.dense(dir.resolve("wrong.onnx"), 24, 5, true, true, 0, 2);

        CliRun refused = importFiveLabels(dir.resolve("wrong.onnx").toString());

        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().contains("check --layout and --input-size"), refused.err());
        assertTrue(new DirectoryModelStore(dir.resolve("store"))
                .versions("animals")
                .isEmpty());
    }

    @Test
    void exportAddsTheOnnxModelToAnOlderBundleAndOnnxRuntimeServesIt() {
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        TinyBundles.publish(store, "old", 1);
        assertEquals(Optional.empty(), store.manifest("old", 1).model(ModelFormat.ONNX));

        CliRun exported =
                CliRun.of("models", "export", "old@1", "--store", store.root().toString());

        assertEquals(0, exported.exitCode(), exported.err());
        BundleManifest manifest = store.manifest("old", 1);
        assertEquals(Optional.of(ModelFormat.exportedOnnx()), manifest.model(ModelFormat.ONNX));
        assertTrue(manifest.modelFiles().contains(ModelFormat.ONNX_FILE));
        Backends onnxFirst = Backends.preferring(OnnxRuntimeBackend.NAME, BackendSettings.defaults());
        assertEquals(OnnxRuntimeBackend.NAME, onnxFirst.backendFor(manifest).name());
        try (ModelRunner runner = onnxFirst.open(store, "old", 1)) { // checksum and probe pass
            assertEquals(10, runner.labels().size());
        }
        CliRun again =
                CliRun.of("models", "export", "old@1", "--store", store.root().toString());
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains("already holds model.onnx"), again.err());
    }

    /** {@code models import animals} of a 24x24 NCHW model with five labels, into this test's store. */
    private CliRun importFiveLabels(String onnxFile) {
        return CliRun.of(
                "models",
                "import",
                "animals",
                "--onnx",
                onnxFile,
                "--labels",
                "a,b,c,d,e",
                "--input-size",
                "24",
                "--normalize",
                "unit",
                "--store",
                dir.resolve("store").toString());
    }
}
