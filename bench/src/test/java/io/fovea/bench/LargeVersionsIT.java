package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.Prediction;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.dataset.ClassLabels;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.kafka.TopicCreator;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.model.backend.OnnxImport;
import io.fovea.stream.model.backend.OnnxSessions;
import io.fovea.testing.ForeignOnnxModels;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions whose model files are larger than an eighth of serve's heap (deploy/'s 1 GiB), swapped
 * in both directions under a steady load: each is checked on disk, read into the heap and loaded
 * beside the one serving, and nothing is lost. A version over half of the heap is refused before a
 * byte of it is read, naming the heap it needs, and the one serving goes on.
 */
class LargeVersionsIT {
    private static final String MODEL = "large";
    private static final List<String> DEPLOYED_HEAP = List.of("-Xms1g", "-Xmx1g");
    /** 3,072 inputs x 12,288 hidden units of float weights: 151 MB, over 1 GiB / 8. */
    private static final int HIDDEN = 12_288;

    private static final long OVER_HALF_THE_HEAP = 600L << 20;

    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void versionsOverAnEighthOfTheHeapSwapUnderLoadAndOneOverHalfIsRefusedUnread() throws Exception {
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        for (int seed = 1; seed <= 3; seed++) {
            importWide(store, seed);
        }
        long fileBytes = Files.size(modelFile(store, 2));
        assertTrue(fileBytes > (1L << 30) / 8, "over an eighth of the heap: " + fileBytes);
        store.promote(MODEL, 1);

        KafkaConnection kafka = KafkaTestBroker.connection();
        String run = UUID.randomUUID().toString().substring(0, 6);
        String input = "large-in-" + run;
        String output = "large-out-" + run;
        String releases = "large-rel-" + run;
        TopicCreator.ensure(kafka, input, 2, false);
        Map<String, String> settings = ServeProcess.topics("large-" + run, input, output, releases, dir);
        List<String> args = List.of(
                "--bootstrap", kafka.bootstrapServers(), "--store", store.root().toString(), "--model", MODEL);
        ImageLoad images = new ImageLoad(kafka);
        ServeMemoryTable memory = new ServeMemoryTable();

        try (ServeProcess serve = ServeProcess.start(DEPLOYED_HEAP, args, settings, dir.resolve("serve.log"))
                .awaitReady(Duration.ofMinutes(3))) {
            memory.add("ready, serving version 1 (" + (fileBytes >> 20) + " MiB of weights)", serve);
            images.fill(input, 50, "before-");
            CompletableFuture<Integer> load = CompletableFuture.supplyAsync(() -> images.offer(input, 1_500, 100));

            promote(kafka, releases, store, 2);
            serve.awaitServing(2);
            memory.add("promoted to version 2 under load (both loaded during the swap)", serve);

            store.promote(MODEL, 3); // the store checks it as it is
            try (RandomAccessFile sparse =
                    new RandomAccessFile(modelFile(store, 3).toFile(), "rw")) {
                sparse.setLength(OVER_HALF_THE_HEAP); // then larger, as a version too large for serve; no disk used
            }
            announce(kafka, releases, store, 3);
            serve.awaitMetric("fovea_model_swaps_total", "refused", 1);
            assertEquals(2.0, serve.metric("fovea_model_version", ""), "version 2 goes on serving");
            memory.add("version 3 (" + (OVER_HALF_THE_HEAP >> 20) + " MiB) refused, unread", serve);

            promote(kafka, releases, store, 1);
            serve.awaitServing(1);
            memory.add("rolled back to version 1 under load", serve);
            int offered = load.get();
            images.fill(input, 50, "after-");

            int expected = 50 + offered + 50;
            List<Prediction> predictions =
                    KafkaTestClients.readCommitted(output, expected, Duration.ofMinutes(3)).stream()
                            .map(r -> FoveaRecords.PREDICTION.decode(r.value()))
                            .toList();
            assertEquals(expected, predictions.size(), "every image the broker took, classified");
            assertEquals(
                    expected,
                    predictions.stream().map(Prediction::getId).distinct().count(),
                    "none twice");
            assertTrue(predictions.stream()
                    .filter(p -> p.getId().startsWith("after-"))
                    .allMatch(p -> p.getModelVersion() == 1));
            assertEquals(0.0, serve.metric("fovea_dead_letters_total", ""), "no image refused");
            assertEquals(2.0, serve.metric("fovea_model_swaps_total", "swapped"));
            String log = Files.readString(dir.resolve("serve.log"));
            assertTrue(
                    log.contains("more than half of this JVM's heap")
                            && log.contains("give it a heap of at least " + (2 * OVER_HALF_THE_HEAP >> 20) + " MiB"),
                    "the refusal names the heap version 3 needs; see " + dir.resolve("serve.log"));
        }
        System.out.println(memory);
    }

    private void importWide(DirectoryModelStore store, int seed) throws IOException {
        Path file = dir.resolve("wide-" + seed + ".onnx");
        ForeignOnnxModels.wide(file, 32, 10, HIDDEN, seed);
        OnnxImport.importModel(
                store,
                MODEL,
                file,
                ClassLabels.CIFAR10,
                new Preprocessing(32, Preprocessing.BILINEAR, "unit", new double[3], new double[] {255, 255, 255}),
                ModelFormat.onnx(ModelFormat.ONNX_FILE, ModelFormat.NHWC, ModelFormat.LOGITS),
                OnnxSessions.cpu(),
                "test");
        Files.delete(file);
    }

    private static Path modelFile(DirectoryModelStore store, int version) {
        return store.versionDir(MODEL, version).resolve(ModelFormat.ONNX_FILE);
    }

    private static void promote(KafkaConnection kafka, String releases, DirectoryModelStore store, int version) {
        store.promote(MODEL, version);
        announce(kafka, releases, store, version);
    }

    /** The promotion's record on the releases topic, as the store's announcer writes it. */
    private static void announce(KafkaConnection kafka, String releases, DirectoryModelStore store, int version) {
        try (ReleasePublisher publisher = new ReleasePublisher(kafka, releases)) {
            publisher.send(ReleasePublisher.of(
                    store.manifest(MODEL, version), store.uri(MODEL, version), ReleaseAction.PROMOTED, 1));
        }
    }
}
