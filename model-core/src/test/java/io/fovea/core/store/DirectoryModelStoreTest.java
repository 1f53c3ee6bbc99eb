package io.fovea.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.BundleIntegrityException;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.runtime.NativeBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DirectoryModelStoreTest {
    @TempDir
    Path root;

    @BeforeAll
    static void nativeBackend() {
        NativeBackend.configure();
    }

    private static int publish(ModelStore store, String model, ComputationGraph graph) throws IOException {
        try (StagedBundle staged = store.stage(model)) {
            staged.commit(manifest(model, staged.version(), ModelFiles.write(graph, staged.dir())));
            return staged.version();
        }
    }

    static BundleManifest manifest(String model, int version, String sha) {
        return new BundleManifest(
                model,
                version,
                Instant.parse("2026-11-29T00:00:00Z"),
                "tiny",
                "none",
                List.of("a", "b"),
                Preprocessing.fitted(2, new double[] {0, 0, 0}, new double[] {1, 1, 1}),
                ModelFiles.NAMES,
                sha,
                Map.of("epochs", 1),
                Map.of("source", "test"),
                Map.of("test_accuracy", 0.5),
                "test",
                null);
    }

    @Test
    void publishedVersionsCountFromOneAndLoadToTheSameModel() throws IOException {
        DirectoryModelStore store = new DirectoryModelStore(root);
        ComputationGraph graph = TinyModels.tiny(1);
        assertEquals(1, publish(store, "m", graph));
        assertEquals(2, publish(store, "m", TinyModels.tiny(2)));
        assertEquals(List.of(1, 2), store.versions("m"));
        assertEquals(List.of("m"), store.models());

        VerifiedBundle bundle = store.verified("m", 1, ModelFiles.NAMES);
        INDArray x = Nd4j.rand(new int[] {3, 3, 2, 2});
        assertEquals(graph.outputSingle(x), ModelFiles.graph(bundle).outputSingle(x));
        assertEquals(List.of("a", "b"), bundle.manifest().labels());
        assertEquals(1, bundle.manifest().version());
    }

    @Test
    void abandonedStagingLeavesNoVisibleVersionAndTheNumberIsNotReused() throws IOException {
        DirectoryModelStore store = new DirectoryModelStore(root);
        try (StagedBundle staged = store.stage("m")) {
            Files.writeString(staged.dir().resolve(ModelFiles.PARAMETERS), "half");
            // no commit: training failed
        }
        assertEquals(List.of(), store.versions("m"));
        try (var files = Files.list(root.resolve("m"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".staging")));
        }
        assertEquals(2, publish(store, "m", TinyModels.tiny(1)));
    }

    @Test
    void concurrentPublishersGetDistinctVersionsAndEveryBundleIsIntact() throws Exception {
        DirectoryModelStore store = new DirectoryModelStore(root);
        ComputationGraph graph = TinyModels.tiny(3);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            IntStream.range(0, 8)
                    .forEach(i -> futures.add(pool.submit(() -> publish(new DirectoryModelStore(root), "m", graph))));
            List<Integer> got = new ArrayList<>();
            for (Future<Integer> f : futures) {
                got.add(f.get());
            }
            assertEquals(8, got.stream().distinct().count(), got.toString());
        } finally {
            pool.shutdown();
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), store.versions("m"));
        store.versions("m").forEach(v -> ModelFiles.graph(store.verified("m", v, ModelFiles.NAMES)));
    }

    @Test
    void aModelFileThatNoLongerMatchesItsChecksumIsRefused() throws IOException {
        DirectoryModelStore store = new DirectoryModelStore(root);
        publish(store, "m", TinyModels.tiny(1));
        Path file = store.versionDir("m", 1).resolve(ModelFiles.PARAMETERS);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        BundleIntegrityException e =
                assertThrows(BundleIntegrityException.class, () -> store.verified("m", 1, ModelFiles.NAMES));
        assertTrue(e.getMessage().contains("SHA-256 of graph.json + params.npy is"), e.getMessage());
    }

    @Test
    void aBundleFromAnOlderFoveaIsListedButRefusedWithAMessageSayingToTrainItAgain() throws IOException {
        DirectoryModelStore store = new DirectoryModelStore(root);
        publish(store, "m", TinyModels.tiny(1));
        Path manifest = store.versionDir("m", 1).resolve(BundleManifest.FILE_NAME);
        Files.writeString(
                manifest,
                Files.readString(manifest)
                        .replaceAll("\"modelFiles\"\\s*:\\s*\\[[^]]*]", "\"modelFile\" : \"model.zip\""));
        assertEquals(List.of(1), store.versions("m"));
        BundleIntegrityException e =
                assertThrows(BundleIntegrityException.class, () -> store.verified("m", 1, ModelFiles.NAMES));
        assertTrue(e.getMessage().contains("older Fovea"), e.getMessage());
    }

    @Test
    void aManifestWithoutLabelsIsAClearErrorNotAFailureLater() throws IOException {
        DirectoryModelStore store = new DirectoryModelStore(root);
        publish(store, "m", TinyModels.tiny(1));
        Path manifest = store.versionDir("m", 1).resolve(BundleManifest.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest).replaceAll("\"labels\"\\s*:\\s*\\[[^]]*],", ""));
        BundleIntegrityException e =
                assertThrows(BundleIntegrityException.class, () -> store.verified("m", 1, ModelFiles.NAMES));
        assertTrue(e.getMessage().endsWith("lacks labels"), e.getMessage());
    }

    @Test
    void missingVersionAndBadNamesAreClearErrors() {
        DirectoryModelStore store = new DirectoryModelStore(root);
        assertEquals(
                "no version 3 of model 'm' in " + root,
                assertThrows(IllegalArgumentException.class, () -> store.verified("m", 3, ModelFiles.NAMES))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.stage("../etc"));
    }
}
