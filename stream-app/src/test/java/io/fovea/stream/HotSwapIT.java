package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.Prediction;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.runtime.Blocking;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.config.ModelOptions;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.model.backend.Dl4jModelRunner;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.TinyBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Promotions, a rollback and a corrupt release while images keep flowing, with two instances of the app. */
class HotSwapIT {
    private static final int EVENTS = 2400;

    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void threePromotionsACorruptReleaseAndARollbackUnderLoadLoseAndRepeatNothing() throws Exception {
        StreamTestKit kit = new StreamTestKit(4);
        String releases = KafkaTestClients.uniqueTopic("releases");
        kit.extra.put(StreamOptions.RELEASES_TOPIC.key(), releases);
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        for (int v = 1; v <= 5; v++) {
            TinyBundles.publish(store, "swap", v);
        }
        // serve follows only promotions the store holds: version 5's is made while it still loads
        store.promote("swap", 1);
        store.promote("swap", 5);
        Path corrupt = store.versionDir("swap", 5).resolve(ModelFiles.PARAMETERS);
        byte[] bytes = Files.readAllBytes(corrupt);
        bytes[bytes.length / 3] ^= 0x55;
        Files.write(corrupt, bytes);

        // one pass at a time here; the second instance of the same app runs the default, two passes
        // at once, so swaps there wait for both. Both must converge on every release.
        Map<String, String> onePass =
                new HashMap<>(kit.settings(dir.resolve("state").toString()));
        onePass.put(ModelOptions.INFERENCE_PASSES.key(), "1");
        StreamApp app = new StreamApp(
                        StreamConfig.of(onePass), Dl4jModelRunner.of(store.verified("swap", 1, ModelFiles.NAMES)))
                .start();
        app.followReleases(store, "swap");
        StreamApp other = new StreamApp(
                        StreamConfig.of(kit.settings(dir.resolve("state-2").toString())),
                        Dl4jModelRunner.of(store.verified("swap", 1, ModelFiles.NAMES)))
                .start();
        other.followReleases(store, "swap");
        StreamTestKit.await(
                () -> app.state() == KafkaStreams.State.RUNNING && other.state() == KafkaStreams.State.RUNNING,
                Duration.ofSeconds(60),
                "RUNNING");

        try (KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer();
                ReleasePublisher publisher = new ReleasePublisher(KafkaTestBroker.connection(), releases)) {
            Thread feeder = new Thread(() -> {
                for (int i = 0; i < EVENTS; i++) {
                    kit.send(producer, "s" + i, TestImages.bytes("s" + i, i % 256, i % 10));
                    if (i % 40 == 39) {
                        producer.flush();
                        Blocking.pause(Duration.ofMillis(25));
                    }
                }
                producer.flush();
            });
            feeder.start();
            int[][] plan = {{2, 0}, {3, 0}, {4, 0}, {5, 0}, {3, 1}}; // version, 1 = rollback
            Integer previous = 1;
            for (int[] step : plan) {
                Blocking.pause(Duration.ofMillis(1500));
                ReleaseAction action = step[1] == 1 ? ReleaseAction.ROLLED_BACK : ReleaseAction.PROMOTED;
                if (action == ReleaseAction.ROLLED_BACK) {
                    store.rollback("swap");
                } else if (step[0] != 5) {
                    store.promote("swap", step[0]);
                }
                publisher.send(ReleasePublisher.of(
                        store.manifest("swap", step[0]), store.uri("swap", step[0]), action, previous));
                int expected = step[0] == 5 ? 4 : step[0];
                StreamTestKit.await(
                        () -> step[0] == 5
                                || app.model().get().version() == expected
                                        && other.model().get().version() == expected,
                        Duration.ofSeconds(30),
                        "version " + expected + " in service in both instances");
                previous = step[0] == 5 ? previous : step[0];
            }
            feeder.join();

            List<ConsumerRecord<byte[], byte[]>> records =
                    KafkaTestClients.readCommitted(kit.predictions, EVENTS, Duration.ofSeconds(90));
            List<Prediction> predictions = records.stream()
                    .map(r -> FoveaRecords.PREDICTION.decode(r.value()))
                    .toList();
            Map<String, Integer> counts = StreamTestKit.counts(
                    predictions.stream().map(Prediction::getId).toList());
            assertEquals(EVENTS, counts.size(), "every image predicted");
            assertTrue(counts.values().stream().allMatch(c -> c == 1), "none twice");

            // per partition, in input order, versions follow the release order and never go back to an older state
            List<Integer> served = List.of(1, 2, 3, 4, 3);
            Map<Integer, List<Prediction>> byPartition = new TreeMap<>();
            predictions.forEach(p -> byPartition
                    .computeIfAbsent(p.getSource().getPartition(), k -> new ArrayList<>())
                    .add(p));
            for (List<Prediction> partition : byPartition.values()) {
                partition.sort(Comparator.comparingLong(p -> p.getSource().getOffset()));
                int step = 0;
                for (Prediction p : partition) {
                    while (step < served.size() && served.get(step) != p.getModelVersion()) {
                        step++;
                    }
                    assertTrue(
                            step < served.size(),
                            "version " + p.getModelVersion() + " out of order at offset "
                                    + p.getSource().getOffset());
                }
            }
            assertTrue(
                    predictions.stream().noneMatch(p -> p.getModelVersion() == 5), "the corrupt version never served");
            assertEquals(3, app.model().get().version());
            assertEquals(3, other.model().get().version());
            assertTrue(app.isReady(), "/ready stays green after a refusal");
            for (StreamApp instance : List.of(app, other)) {
                assertEquals(
                        1.0,
                        instance.metrics()
                                .registry()
                                .get("fovea.model.swaps")
                                .tag("result", "refused")
                                .counter()
                                .count());
                assertEquals(
                        4.0,
                        instance.metrics()
                                .registry()
                                .get("fovea.model.swaps")
                                .tag("result", "swapped")
                                .counter()
                                .count());
            }

            List<Long> times = predictions.stream()
                    .map(p -> p.getPredictionTime().toEpochMilli())
                    .sorted()
                    .toList();
            long gap = 0;
            for (int i = 1; i < times.size(); i++) {
                gap = Math.max(gap, times.get(i) - times.get(i - 1));
            }
            System.out.printf(
                    "HotSwapIT: %d predictions across 4 swaps and a refusal; longest gap between predictions %d ms%n",
                    predictions.size(), gap);
        } finally {
            other.close();
            app.close();
        }
    }
}
