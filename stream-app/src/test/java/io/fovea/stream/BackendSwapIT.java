package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.Prediction;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.dataset.ClassLabels;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.runtime.Blocking;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.model.backend.Backends;
import io.fovea.stream.model.backend.OnnxImport;
import io.fovea.stream.model.backend.OnnxRuntimeBackend;
import io.fovea.stream.model.backend.OnnxSessions;
import io.fovea.testing.ForeignOnnxModels;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.TinyBundles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions of one model on different backends swap like any others: a DL4J version, an ONNX
 * model imported from elsewhere, back and forth under load, every image classified once.
 */
class BackendSwapIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void aDl4jVersionAndAnImportedOnnxVersionSwapBackAndForthUnderLoadLosingNothing() throws Exception {
        StreamTestKit kit = new StreamTestKit(2);
        String releases = KafkaTestClients.uniqueTopic("releases");
        kit.extra.put(StreamOptions.RELEASES_TOPIC.key(), releases);
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        TinyBundles.publish(store, "mixed", 1);
        ForeignOnnxModels.dense(dir.resolve("foreign.onnx"), 32, 10, true, true, 0, 5);
        int onnxVersion = OnnxImport.importModel(
                store,
                "mixed",
                dir.resolve("foreign.onnx"),
                ClassLabels.CIFAR10,
                new Preprocessing(32, Preprocessing.BILINEAR, "unit", new double[3], new double[] {255, 255, 255}),
                ModelFormat.onnx(ModelFormat.ONNX_FILE, ModelFormat.NHWC, ModelFormat.LOGITS),
                OnnxSessions.cpu(),
                "test");
        assertEquals(2, onnxVersion);
        store.promote("mixed", 1);
        StreamConfig config = StreamConfig.of(kit.settings(dir.resolve("state").toString()));
        Backends backends = config.backends();
        assertEquals(
                OnnxRuntimeBackend.NAME,
                backends.backendFor(store.manifest("mixed", 2)).name());

        try (StreamApp app = new StreamApp(config, backends.open(store, "mixed", 1)).start();
                KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer();
                ReleasePublisher publisher = new ReleasePublisher(KafkaTestBroker.connection(), releases)) {
            app.followReleases(store, "mixed");
            StreamTestKit.await(() -> app.state() == KafkaStreams.State.RUNNING, Duration.ofSeconds(60), "RUNNING");
            // images keep coming until every swap is done, then a last lot: each version meets traffic
            AtomicBoolean swapsDone = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            Thread feeder = new Thread(() -> {
                int afterSwaps = 0;
                while (afterSwaps < 150) {
                    int i = sent.getAndIncrement();
                    kit.send(producer, "m" + i, TestImages.bytes("m" + i, i % 256, i % 10));
                    if (i % 20 == 19) {
                        producer.flush();
                        Blocking.pause(Duration.ofMillis(100));
                    }
                    afterSwaps += swapsDone.get() ? 1 : 0;
                }
                producer.flush();
            });
            feeder.start();
            int[][] plan = {{2, 0}, {1, 1}, {2, 0}}; // version, 1 = rollback
            Integer previous = 1;
            for (int[] step : plan) {
                Blocking.pause(Duration.ofMillis(1200));
                if (step[1] == 1) {
                    store.rollback("mixed");
                } else {
                    store.promote("mixed", step[0]);
                }
                publisher.send(ReleasePublisher.of(
                        store.manifest("mixed", step[0]),
                        store.uri("mixed", step[0]),
                        step[1] == 1 ? ReleaseAction.ROLLED_BACK : ReleaseAction.PROMOTED,
                        previous));
                StreamTestKit.await(
                        () -> app.model().get().version() == step[0],
                        Duration.ofSeconds(30),
                        "version " + step[0] + " in service");
                previous = step[0];
                Blocking.pause(Duration.ofMillis(600)); // traffic for the version now in service
            }
            swapsDone.set(true);
            feeder.join();
            int events = sent.get();

            List<Prediction> predictions =
                    KafkaTestClients.readCommitted(kit.predictions, events, Duration.ofSeconds(90)).stream()
                            .map(r -> FoveaRecords.PREDICTION.decode(r.value()))
                            .toList();
            Map<String, Integer> counts = StreamTestKit.counts(
                    predictions.stream().map(Prediction::getId).toList());
            assertEquals(events, counts.size(), "every image predicted");
            assertTrue(counts.values().stream().allMatch(c -> c == 1), "none twice");
            Set<Integer> versions =
                    predictions.stream().map(Prediction::getModelVersion).collect(Collectors.toSet());
            assertEquals(Set.of(1, 2), versions, "both backends served");
            assertEquals(
                    3.0,
                    app.metrics()
                            .registry()
                            .get("fovea.model.swaps")
                            .tag("result", "swapped")
                            .counter()
                            .count());
        }
    }
}
