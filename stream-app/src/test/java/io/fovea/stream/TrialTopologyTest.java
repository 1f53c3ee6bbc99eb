package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.Prediction;
import io.fovea.core.release.KeyShare;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.schemas.Topics;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.batch.ClassifySettings;
import io.fovea.stream.batch.CommitPace;
import io.fovea.stream.batch.WaitAllowance;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.limits.RecordLimit;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.CanaryGuard;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.model.Lineup;
import io.fovea.stream.model.ModelSlot;
import io.fovea.stream.predict.OutputEncoding;
import io.fovea.stream.validate.ImageValidator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A canary and a shadow in the topology, with fake models: keys routed by their hash, one key one
 * version, shadow predictions only on the shadow topic, one served prediction per image.
 */
class TrialTopologyTest {
    private static final int KEYS = 300;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void aCanaryTakesItsShareOfKeysEveryTimeAndAShadowOnlyWritesToItsOwnTopic() throws Exception {
        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry(), 100);
        ModelSlot slot = new ModelSlot(new FakeModel(1));
        try (InferenceWorker worker = new InferenceWorker(slot, 8, metrics)) {
            worker.swap(new Lineup(
                            new FakeModel(1),
                            new Lineup.Trial(new FakeModel(2), 0.3, null),
                            new Lineup.Trial(new FakeModel(3), 0.5, null)))
                    .get(10, TimeUnit.SECONDS);
            try (TopologyTestDriver driver = driver(worker, metrics, SizeBudget.atKafkaDefaults())) {
                TestInputTopic<byte[], byte[]> images =
                        driver.createInputTopic(Topics.IMAGES, new ByteArraySerializer(), new ByteArraySerializer());
                TestOutputTopic<byte[], byte[]> served = driver.createOutputTopic(
                        Topics.PREDICTIONS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                TestOutputTopic<byte[], byte[]> shadow = driver.createOutputTopic(
                        Topics.SHADOW_PREDICTIONS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                // every key twice, as two events: a key must meet one version both times
                for (String round : List.of("a", "b")) {
                    for (int k = 0; k < KEYS; k++) {
                        images.pipeInput(
                                ("key-" + k).getBytes(StandardCharsets.UTF_8),
                                TestImages.bytes("key-" + k + "-" + round, k % 256, k % 4));
                    }
                }
                List<Prediction> predictions = drain(driver, served, 2 * KEYS);
                List<Prediction> shadowed = drain(driver, shadow, 0);

                Map<String, Integer> versionOfKey = new HashMap<>();
                for (Prediction p : predictions) {
                    String key = p.getId().substring(0, p.getId().lastIndexOf('-'));
                    boolean canary = KeyShare.CANARY.within(key, 0.3);
                    assertEquals(canary ? 2 : 1, p.getModelVersion(), p.getId());
                    Integer before = versionOfKey.put(key, p.getModelVersion());
                    assertTrue(before == null || before == p.getModelVersion(), key + " met two versions");
                }
                assertEquals(2 * KEYS, StreamTestKit.counts(ids(predictions)).size(), "one prediction per image");
                long sampled = ids(predictions).stream()
                        .filter(id -> KeyShare.SHADOW.within(id, 0.5))
                        .count();
                assertEquals(sampled, shadowed.size(), "a shadow prediction for every sampled image");
                for (Prediction p : shadowed) {
                    assertEquals(3, p.getModelVersion());
                    assertTrue(KeyShare.SHADOW.within(p.getId(), 0.5), p.getId());
                }
                assertEquals(
                        (double) sampled,
                        metrics.registry().get("fovea.shadow.compared").tag("agreed", "true").counters().stream()
                                .mapToDouble(Counter::count)
                                .sum(),
                        "the fake versions always agree, whichever served the image");
            }
        }
    }

    @Test
    void aShadowPredictionTooLargeForTheShadowTopicIsCountedAndSkippedWhileEveryImageIsServed() throws Exception {
        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry(), 100);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(new FakeModel(1)), 8, metrics)) {
            worker.swap(new Lineup(new FakeModel(1), null, new Lineup.Trial(new FakeModel(3), 1.0, null)))
                    .get(10, TimeUnit.SECONDS);
            // the cluster's real limits: the shadow topic takes far smaller records than the served one
            RecordLimit roomy = new RecordLimit(Topics.PREDICTIONS, 1_048_588, 1_048_576);
            RecordLimit tight = new RecordLimit(Topics.SHADOW_PREDICTIONS, 64, 1_048_576);
            try (TopologyTestDriver driver =
                    driver(worker, metrics, new SizeBudget(roomy, roomy, tight, roomy, 5000))) {
                TestInputTopic<byte[], byte[]> images =
                        driver.createInputTopic(Topics.IMAGES, new ByteArraySerializer(), new ByteArraySerializer());
                for (int k = 0; k < 20; k++) {
                    images.pipeInput(("k" + k).getBytes(StandardCharsets.UTF_8), TestImages.bytes("k" + k, k, 1));
                }
                List<Prediction> served = drain(
                        driver,
                        driver.createOutputTopic(
                                Topics.PREDICTIONS, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                        20);
                List<Prediction> shadowed = drain(
                        driver,
                        driver.createOutputTopic(
                                Topics.SHADOW_PREDICTIONS, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                        0);
                assertEquals(20, served.size(), "every image served");
                assertEquals(List.of(), shadowed);
                assertEquals(
                        20.0,
                        metrics.registry()
                                .get("fovea.shadow.skipped")
                                .tag("reason", "too_large")
                                .counter()
                                .count());
            }
        }
    }

    private static TopologyTestDriver driver(InferenceWorker worker, StreamMetrics metrics, SizeBudget budget) {
        StreamConfig config = StreamConfig.of(Map.of(StreamOptions.BOOTSTRAP_SERVERS.key(), "unused:9092"));
        ClassifySettings settings = new ClassifySettings(
                Topics.IMAGES,
                FoveaTopology.PENDING_STORE,
                8,
                Duration.ofMillis(10),
                false, // batches close at their size or deadline only, as these tests count them
                2,
                new ImageValidator(5000, 100),
                budget,
                new DecodedMemory(1 << 20),
                worker,
                new CanaryGuard(worker::lineup),
                metrics,
                OutputEncoding.SINGLE_OBJECT,
                CommitPace.STREAMS_OWN,
                WaitAllowance.UNLIMITED);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "trial-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return new TopologyTestDriver(FoveaTopology.build(config, settings), props);
    }

    private static List<String> ids(List<Prediction> predictions) {
        return predictions.stream().map(Prediction::getId).toList();
    }

    /** Nudges the wall clock until {@code topic} holds {@code records} (any, when 0) and nothing more comes. */
    private static List<Prediction> drain(TopologyTestDriver driver, TestOutputTopic<byte[], byte[]> topic, int records)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (topic.getQueueSize() < records && System.nanoTime() < deadline) {
            driver.advanceWallClockTime(Duration.ofMillis(1));
            Thread.sleep(5);
        }
        for (int i = 0; i < 20; i++) {
            driver.advanceWallClockTime(Duration.ofMillis(1));
            Thread.sleep(5);
        }
        return topic.readValuesToList().stream()
                .map(FoveaRecords.PREDICTION::decode)
                .toList();
    }
}
