package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.ModelRelease;
import io.fovea.avro.Prediction;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.release.KeyShare;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.runtime.Blocking;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.config.StreamOptions;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.TinyBundles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 10% canary and a sampled shadow in a {@code serve} of its own, killed with SIGKILL mid-stream
 * and restarted: every image still gets exactly one served prediction, the canary's keys are the
 * same 10% before and after the kill, no key meets two versions, and shadow predictions stay on
 * their own topic, each sampled image's once.
 */
class CanaryCrashIT {
    private static final int KEYS = 3000;
    private static final double CANARY = 0.10;
    private static final double SHADOW = 0.25;

    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    private Process serve(StreamTestKit kit, Path log) throws IOException {
        return new ProcessBuilder(StreamTestKit.serveCommand(
                        dir.resolve("store"),
                        "tiny",
                        kit.settings(dir.resolve("state").toString())))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    @Test
    void aTenPercentCanaryAndAShadowThroughAKillLoseRepeatAndMixNothing() throws Exception {
        StreamTestKit kit = new StreamTestKit(4);
        String releases = KafkaTestClients.uniqueTopic("releases");
        kit.extra.put(StreamOptions.RELEASES_TOPIC.key(), releases);
        kit.extra.put(StreamOptions.MAX_BATCH_WAIT_MS.key(), "200");
        kit.extra.put(
                StreamOptions.BATCH_CLOSE_WHEN_QUEUE_EMPTY.key(),
                "false"); // held even when nothing waits for the model
        kit.extra.put(StreamOptions.MAX_BATCH_SIZE.key(), "64");
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        for (int v = 1; v <= 3; v++) {
            TinyBundles.publish(store, "tiny", v);
        }
        store.promote("tiny", 1);
        ModelRelease canary = ReleasePublisher.trialStarted(
                store.manifest("tiny", 2), store.uri("tiny", 2), ReleaseAction.CANARY_STARTED, 1, CANARY, null);
        KeyShare canaryKeys = KeyShare.canary(canary.getSalt());
        try (ReleasePublisher publisher = new ReleasePublisher(KafkaTestBroker.connection(), releases)) {
            publisher.send(
                    ReleasePublisher.of(store.manifest("tiny", 1), store.uri("tiny", 1), ReleaseAction.PROMOTED, null));
            publisher.send(canary);
            publisher.send(ReleasePublisher.trialStarted(
                    store.manifest("tiny", 3), store.uri("tiny", 3), ReleaseAction.SHADOW_STARTED, 1, SHADOW, null));
        }
        int images = 2 * KEYS;
        Thread feeder;
        try (KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer()) {
            feeder = new Thread(() -> {
                // every key twice, as two events with ids of their own
                for (int i = 0; i < images; i++) {
                    int k = i % KEYS;
                    String id = "key-" + k + (i < KEYS ? "-a" : "-b");
                    producer.send(new ProducerRecord<>(
                            kit.images,
                            ("key-" + k).getBytes(StandardCharsets.UTF_8),
                            TestImages.bytes(id, k % 256, k % 10)));
                    if (i % 200 == 199) {
                        producer.flush();
                        Blocking.pause(Duration.ofMillis(60));
                    }
                }
                producer.flush();
            });
            Process first = serve(kit, dir.resolve("serve.log"));
            feeder.start();
            StreamTestKit.await(
                    () -> KafkaTestClients.readCommitted(kit.predictions, 1000, Duration.ofMillis(500))
                                    .size()
                            >= 1000,
                    Duration.ofSeconds(120),
                    "the first 1000 predictions (log: " + dir.resolve("serve.log") + ")");
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            int beforeRestart = KafkaTestClients.readCommitted(kit.predictions, images, Duration.ofSeconds(3))
                    .size();
            assertTrue(beforeRestart < images, "the kill must land mid-stream: " + beforeRestart + " done");

            Process second = serve(kit, dir.resolve("serve-2.log"));
            feeder.join();
            List<Prediction> served =
                    decode(KafkaTestClients.readCommitted(kit.predictions, images, Duration.ofSeconds(180)));
            second.destroy();
            assertTrue(second.waitFor(40, TimeUnit.SECONDS));

            Map<String, Integer> counts =
                    StreamTestKit.counts(served.stream().map(Prediction::getId).toList());
            assertEquals(images, counts.size(), "every image served (" + served.size() + " read)");
            assertTrue(counts.values().stream().allMatch(c -> c == 1), "none twice");

            Map<String, Integer> versionOfKey = new HashMap<>();
            int canaryImages = 0;
            for (Prediction p : served) {
                String key = p.getId().substring(0, p.getId().lastIndexOf('-'));
                int expected = canaryKeys.within(key, CANARY) ? 2 : 1; // the trial's salt, before and after the kill
                assertEquals(expected, p.getModelVersion(), p.getId() + " met the wrong version");
                Integer before = versionOfKey.put(key, p.getModelVersion());
                assertTrue(before == null || before == p.getModelVersion(), key + " met both versions");
                canaryImages += p.getModelVersion() == 2 ? 1 : 0;
            }
            double share = (double) canaryImages / images;
            assertTrue(Math.abs(share - CANARY) <= 0.02, "the canary classified " + share + " of the images");

            long sampled = counts.keySet().stream()
                    .filter(id -> KeyShare.SHADOW.within(id, SHADOW))
                    .count();
            List<Prediction> shadow = decode(
                    KafkaTestClients.readCommitted(kit.shadowPredictions, (int) sampled, Duration.ofSeconds(30)));
            Map<String, Integer> shadowCounts =
                    StreamTestKit.counts(shadow.stream().map(Prediction::getId).toList());
            assertEquals(sampled, shadowCounts.size(), "a shadow prediction for every sampled image");
            assertTrue(shadowCounts.values().stream().allMatch(c -> c == 1), "no shadow prediction twice");
            assertTrue(shadow.stream().allMatch(p -> p.getModelVersion() == 3), "only the shadow version there");
            assertTrue(served.stream().noneMatch(p -> p.getModelVersion() == 3), "no shadow prediction served");
            System.out.printf(
                    "CanaryCrashIT: %d images, %d before the kill; canary share %.4f; %d shadow predictions%n",
                    images, beforeRestart, share, shadow.size());
        }
    }

    private static List<Prediction> decode(
            List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> FoveaRecords.PREDICTION.decode(r.value()))
                .toList();
    }
}
