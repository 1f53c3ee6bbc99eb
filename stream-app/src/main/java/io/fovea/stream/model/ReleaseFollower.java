package io.fovea.stream.model;

import io.fovea.avro.ModelRelease;
import io.fovea.avro.ReleaseAction;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted releases topic from its beginning, without a consumer group, so every
 * instance of the app reads every release and they all converge on the same version. Each
 * PROMOTED or ROLLED_BACK of our model names the version that should serve.
 */
public final class ReleaseFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseFollower.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final String model;
    private final IntConsumer serveVersion;
    private final Thread thread;
    private volatile boolean running = true;

    /** @param serveVersion told the version to serve after each promotion or rollback of {@code model} */
    public ReleaseFollower(KafkaConnection kafka, String topic, String model, IntConsumer serveVersion) {
        this.topic = topic;
        this.model = model;
        this.serveVersion = serveVersion;
        this.consumer = new KafkaConsumer<>(
                kafka.consumer(Map.of(
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        // a releases topic made by auto-creation would not be compacted: wait for the real one
                        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                        false,
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        "fovea-release-follower")),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "fovea-release-follower");
        this.thread.setDaemon(true);
    }

    public ReleaseFollower start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                Integer target = null;
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        Integer version = versionOf(record);
                        target = version == null ? target : version;
                    }
                } catch (WakeupException stopping) {
                    throw stopping;
                } catch (KafkaException e) {
                    // Hot-swaps must not stop for a broker hiccup: say so and read on from where we were.
                    LOG.warn("Reading {} failed, retrying in {}: {}", topic, RETRY, e.toString());
                    pause();
                }
                if (target != null) {
                    serveVersion.accept(target); // only the last of a poll: catching up replays no history
                }
            }
        } catch (WakeupException | InterruptedException stopping) {
            // close() woke us
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * The topic's partitions. Just after the topic is created the metadata may not list any yet,
     * and a consumer assigned no partitions cannot poll: ask again until there are some.
     */
    private List<TopicPartition> awaitPartitions() throws InterruptedException {
        while (running) {
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
                if (!partitions.isEmpty()) {
                    return partitions;
                }
                LOG.info("{} has no partitions yet; asking again in {}", topic, RETRY);
            } catch (KafkaException e) {
                if (e instanceof WakeupException) {
                    throw e;
                }
                LOG.warn("Cannot look up {}, retrying in {}: {}", topic, RETRY, e.toString());
            }
            pause();
        }
        throw new InterruptedException("stopped");
    }

    private static void pause() throws InterruptedException {
        Thread.sleep(RETRY.toMillis());
    }

    /** The version a record says should serve, or null when it says nothing about our model. */
    private Integer versionOf(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return null; // a tombstone
        }
        ModelRelease release;
        try {
            release = FoveaRecords.MODEL_RELEASE.decode(record.value());
        } catch (UndecodableRecordException e) {
            LOG.warn(
                    "Ignoring an unreadable record at {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
            return null;
        }
        boolean ours = release.getModelName().equals(model) && release.getAction() != ReleaseAction.PUBLISHED;
        return ours ? release.getVersion() : null;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
