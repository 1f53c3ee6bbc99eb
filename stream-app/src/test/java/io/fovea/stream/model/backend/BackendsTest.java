package io.fovea.stream.model.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.BundleIntegrityException;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.dataset.ClassLabels;
import io.fovea.core.image.RandomImages;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.core.store.StagedBundle;
import io.fovea.stream.config.ModelOptions;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.Probabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backends are found by name, chosen by what a bundle holds, and a new one is a class and a line. */
class BackendsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void aBackendRegisteredByATestServesABundleInItsOwnFormat() throws IOException {
        assertTrue(
                Backends.names().containsAll(List.of("dl4j", "onnxruntime", "uniform")),
                Backends.names().toString());
        DirectoryModelStore store = new DirectoryModelStore(dir);
        int version = publishUniform(store, "u");

        // preferred or not: the only backend that runs what the bundle holds
        for (String preferred : List.of("uniform", "dl4j", "onnxruntime")) {
            Backends backends = Backends.preferring(preferred, BackendSettings.defaults());
            assertEquals(
                    "uniform", backends.backendFor(store.manifest("u", version)).name());
            try (ModelRunner runner = backends.open(store, "u", version)) { // checksum and probe pass
                Probabilities out = runner.predict(RandomImages.of(3, 8, 1));
                assertEquals(0.1, out.get(2, 9), 1e-6);
                assertEquals("u", runner.name());
            }
        }
        // a setting naming it is valid wherever the registry is asked
        StreamConfig.of(Map.of(
                StreamOptions.BOOTSTRAP_SERVERS.key(), "localhost:9092", ModelOptions.MODEL_BACKEND.key(), "uniform"));
    }

    @Test
    void itsBytesAreTheOnesTheChecksumCovers() throws IOException {
        DirectoryModelStore store = new DirectoryModelStore(dir);
        int version = publishUniform(store, "u");
        Files.writeString(store.versionDir("u", version).resolve(UniformBackend.FILE), "something else");
        Backends backends = Backends.preferring("uniform", BackendSettings.defaults());
        BundleIntegrityException e =
                assertThrows(BundleIntegrityException.class, () -> backends.open(store, "u", version));
        assertTrue(e.getMessage().contains("SHA-256 of uniform.txt is"), e.getMessage());
    }

    @Test
    void anUnknownNameIsAnErrorListingTheRegisteredOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.named("tensorflow"));
        assertTrue(e.getMessage().contains("dl4j, onnxruntime"), e.getMessage());
        assertTrue(e.getMessage().contains("'tensorflow'"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> StreamConfig.of(Map.of(
                        StreamOptions.BOOTSTRAP_SERVERS.key(),
                        "localhost:9092",
                        ModelOptions.MODEL_BACKEND.key(),
                        "tf")));
        assertEquals("onnxruntime", Backends.named(" ONNXRuntime ").name());
    }

    @Test
    void thePreferredBackendRunsABundleWithBothModelsAndEachRunsABundleWithItsOwnOnly() {
        BundleManifest both = manifest(List.of(ModelFormat.dl4j(), ModelFormat.exportedOnnx()));
        BundleManifest dl4jOnly = manifest(List.of(ModelFormat.dl4j()));
        BundleManifest onnxOnly = manifest(List.of(ModelFormat.onnx("model.onnx", "NHWC", "logits")));
        Backends dl4j = Backends.preferring("dl4j", BackendSettings.defaults());
        Backends onnx = Backends.preferring("onnxruntime", BackendSettings.defaults());
        assertEquals("dl4j", dl4j.backendFor(both).name());
        assertEquals("onnxruntime", onnx.backendFor(both).name());
        assertEquals("dl4j", onnx.backendFor(dl4jOnly).name());
        assertEquals("onnxruntime", dl4j.backendFor(onnxOnly).name());
        IllegalStateException none =
                assertThrows(IllegalStateException.class, () -> dl4j.backendFor(manifest(List.of())));
        assertTrue(none.getMessage().contains("no registered backend runs"), none.getMessage());
    }

    private static int publishUniform(DirectoryModelStore store, String name) throws IOException {
        try (StagedBundle staged = store.stage(name)) {
            Files.writeString(staged.dir().resolve(UniformBackend.FILE), UniformBackend.CONTENT);
            List<String> files = List.of(UniformBackend.FILE);
            staged.commit(new BundleManifest(
                    name,
                    staged.version(),
                    Instant.now(),
                    "uniform",
                    "none",
                    ClassLabels.CIFAR10,
                    Preprocessing.vggImagenetMean(8),
                    files,
                    ModelFiles.sha256(staged.dir(), files),
                    Map.of(),
                    Map.of(),
                    Map.of(),
                    "test",
                    List.of(new ModelFormat(UniformBackend.FORMAT, files, null, null))));
            return staged.version();
        }
    }

    private static BundleManifest manifest(List<ModelFormat> formats) {
        return new BundleManifest(
                "m",
                1,
                Instant.now(),
                "vgg16",
                "none",
                ClassLabels.CIFAR10,
                Preprocessing.vggImagenetMean(8),
                List.of("graph.json", "params.npy", "model.onnx"),
                "00",
                Map.of(),
                Map.of(),
                Map.of(),
                "test",
                formats);
    }
}
