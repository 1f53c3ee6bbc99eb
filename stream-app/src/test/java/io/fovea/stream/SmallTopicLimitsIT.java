package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.micrometer.core.instrument.Measurement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a cluster whose changelog takes 20,000 bytes a record, or 10,000 (less than one of the
 * producer's 16 KiB batches), the held copies a commit flushes (52 KB at once here) go in producer
 * batches that fit, and every image is classified once.
 */
class SmallTopicLimitsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** The producer's own batch size, which serve keeps. */
    private static final int KAFKA_BATCH = 16_384;

    @TempDir
    Path stateRoot;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @ParameterizedTest
    @ValueSource(ints = {20_000, 10_000})
    void heldCopiesFlushedAtACommitGoInBatchesTheChangelogTakes(int topicLimit) throws Exception {
        StreamTestKit kit = new StreamTestKit(1);
        // the changelog Kafka Streams creates takes records of at most this many bytes
        kit.extra.put("kafka.topic.max.message.bytes", Integer.toString(topicLimit));
        // images wait for their batch's deadline across many commits, so their copies reach the changelog
        kit.extra.put(StreamOptions.MAX_BATCH_WAIT_MS.key(), "1500");
        kit.extra.put(StreamOptions.BATCH_CLOSE_WHEN_QUEUE_EMPTY.key(), "false");
        kit.extra.put(StreamOptions.COMMIT_INTERVAL_MS.key(), "100");
        List<String> ids = StreamTestKit.ids("held", 45);
        try (KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer();
                StreamApp app =
                        new StreamApp(StreamConfig.of(kit.settings(stateRoot.toString())), new FakeModel(1)).start()) {
            StreamTestKit.await(() -> app.state() == KafkaStreams.State.RUNNING, TIMEOUT, "RUNNING");
            for (int wave = 0; wave < 3; wave++) {
                // 15 images of 3,500 bytes, under a batch of 16: 52 KB of held copies at each commit
                for (String id : ids.subList(15 * wave, 15 * wave + 15)) {
                    kit.send(producer, id, PoisonPillIT.paddedImage(id, 32, 3_500));
                }
                producer.flush();
                Thread.sleep(1_000);
            }

            Map<String, Integer> counts = StreamTestKit.counts(kit.predictedIds(ids.size(), TIMEOUT));
            assertEquals(ids.size(), counts.size(), "every image classified");
            assertTrue(counts.values().stream().allMatch(n -> n == 1), "each exactly once: " + counts);
            assertEquals(KafkaStreams.State.RUNNING, app.state());
            if (topicLimit >= KAFKA_BATCH) {
                double largestBatch = producerMetric(app, "kafka.producer.batch.size.max");
                assertTrue(
                        largestBatch > 0 && largestBatch <= topicLimit,
                        "batches within the changelog's limit: " + largestBatch);
            } else {
                // a batch the topic refuses as too large is split by the producer and sent again
                double splits = producerMetric(app, "kafka.producer.batch.split.total");
                assertTrue(splits > 0, "batches over the changelog's limit were split: " + splits);
            }
        }
        assertTrue(kit.deadLetters(0, Duration.ofSeconds(2)).isEmpty(), "no dead letters");
    }

    /** The largest value of one of Kafka Streams' producer's metrics (a gauge or a total), as serve's /metrics has it. */
    private static double producerMetric(StreamApp app, String name) {
        return app.metrics().registry().find(name).meters().stream()
                .flatMap(m -> StreamSupport.stream(m.measure().spliterator(), false))
                .mapToDouble(Measurement::getValue)
                .filter(v -> !Double.isNaN(v))
                .max()
                .orElseThrow(() -> new AssertionError("no producer metric " + name));
    }
}
