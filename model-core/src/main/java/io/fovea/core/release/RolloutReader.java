package io.fovea.core.release;

import io.fovea.avro.ModelRelease;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the releases topic from its beginning to its current end and folds it into a model's
 * {@link Rollout}: what a command needs before it changes a trial, and what serve applies before
 * it takes its first record.
 */
public final class RolloutReader {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutReader.class);

    private RolloutReader() {}

    /** The state of {@code model} after every release on {@code topic} up to now that {@code check} lets through. */
    public static Rollout read(KafkaConnection kafka, String topic, String model, ReleaseCheck check) {
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.committedReader("fovea-rollout-reader")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return catchUp(consumer, model, check, Rollout.NONE, Duration.ofSeconds(60));
        }
    }

    /**
     * Applies every record from the consumer's position to the end its partitions have now; the
     * consumer is left there, to follow on.
     */
    public static Rollout catchUp(
            Consumer<byte[], byte[]> consumer, String model, ReleaseCheck check, Rollout from, Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        Rollout state = from;
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), timeout) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read the releases to their end within " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                state = apply(state, model, check, record);
            }
        }
        return state;
    }

    /**
     * {@code state} after one record of the topic; a tombstone, an unreadable record or a release
     * {@code check} refuses changes nothing.
     */
    public static Rollout apply(
            Rollout state, String model, ReleaseCheck check, ConsumerRecord<byte[], byte[]> record) {
        Optional<ModelRelease> release = decode(record, check);
        if (release.isEmpty()) {
            return state;
        }
        if (release.get().getModelName().equals(model)) {
            Optional<String> refusal = check.refusal(release.get());
            if (refusal.isPresent()) {
                LOG.warn(
                        "Ignoring the release at {}-{}@{}: {}; serving on as before",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        refusal.get());
                return state;
            }
        }
        try {
            return state.apply(model, release.get());
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "Ignoring the release at {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
            return state;
        }
    }

    private static Optional<ModelRelease> decode(ConsumerRecord<byte[], byte[]> record, ReleaseCheck check) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(FoveaRecords.MODEL_RELEASE.decode(record.value()));
        } catch (UndecodableRecordException e) {
            LOG.warn(
                    "Ignoring an unreadable record at {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
            check.unreadable();
            return Optional.empty();
        }
    }
}
