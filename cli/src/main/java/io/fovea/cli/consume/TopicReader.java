package io.fovea.cli.consume;

import io.fovea.core.runtime.Blocking;
import io.fovea.schemas.kafka.KafkaConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a whole topic from the beginning, as raw bytes, with read_committed isolation so that
 * records of aborted transactions are never shown. Uses no consumer group: reading changes
 * nothing on the broker, like {@code kcat -C}.
 */
public final class TopicReader implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(250);
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;

    public TopicReader(KafkaConnection kafka, String topic) {
        this.topic = topic;
        this.consumer = kafka.committedReader("fovea-consume");
    }

    /**
     * Hands each record to {@code sink} until {@code limit} were read, or, unless following,
     * the end the topic had when reading started, or {@code stop} says so.
     *
     * @param waitForTopic how long to wait for a topic that does not exist yet
     * @return how many records were read
     */
    public long read(
            long limit,
            boolean follow,
            Duration waitForTopic,
            BooleanSupplier stop,
            Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        List<TopicPartition> partitions = awaitPartitions(waitForTopic);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long count = 0;
        while (count < limit && !stop.getAsBoolean() && (follow || !reached(end))) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                sink.accept(record);
                if (++count >= limit) {
                    break;
                }
            }
        }
        return count;
    }

    /** Hands {@code sink} every record written at or after {@code since}, up to the end the topic has now. */
    public long readSince(Instant since, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        List<TopicPartition> partitions = awaitPartitions(Duration.ofSeconds(10));
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, OffsetAndTimestamp> from = consumer.offsetsForTimes(
                partitions.stream().collect(Collectors.toMap(p -> p, p -> since.toEpochMilli())));
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp at = from.get(partition);
            consumer.seek(partition, at == null ? end.get(partition) : at.offset());
        }
        long count = 0;
        while (!reached(end)) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                sink.accept(record);
                count++;
            }
        }
        return count;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private List<TopicPartition> awaitPartitions(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            Blocking.pause(POLL);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
