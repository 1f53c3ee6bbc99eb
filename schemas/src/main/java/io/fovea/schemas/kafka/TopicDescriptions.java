package io.fovea.schemas.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Describes a topic that may have been created a moment ago. The controller acknowledges a new
 * topic before every broker's metadata holds it, so the broker that answers can call it unknown
 * for a few hundred ms; that answer is retried, every other one goes to the caller.
 */
public final class TopicDescriptions {
    /** Long enough for a loaded cluster to spread a new topic's metadata, short enough to report a typo. */
    public static final Duration PROPAGATION = Duration.ofSeconds(15);

    private static final long PAUSE_MS = 200;

    private TopicDescriptions() {}

    /**
     * @throws ExecutionException what Kafka answered, once it is not "unknown topic" or
     *     {@link #PROPAGATION} has passed
     */
    public static TopicDescription describe(Admin admin, String topic, DescribeTopicsOptions options)
            throws ExecutionException {
        return describe(admin, topic, options, PROPAGATION);
    }

    static TopicDescription describe(Admin admin, String topic, DescribeTopicsOptions options, Duration patience)
            throws ExecutionException {
        long deadline = System.nanoTime() + patience.toNanos();
        try {
            while (true) {
                try {
                    return admin.describeTopics(List.of(topic), options)
                            .allTopicNames()
                            .get()
                            .get(topic);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                }
                Thread.sleep(PAUSE_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }

    /**
     * Waits until a topic created a moment ago has all its {@code partitions}, each with a leader
     * that answers for its log: a producer that writes before then can have its first batch to a
     * partition refused while a later one is taken, and its idempotent sequence never recovers
     * (the broker then refuses the first batch as out of order until it expires: KAFKA-15591). A
     * leader in the metadata is not enough, as the leader opens the partition's log only when it
     * applies the topic's creation; an offset it gives for every partition is. A principal that may
     * not describe the topic cannot wait for it, and goes on.
     */
    public static void awaitLeaders(Admin admin, String topic, int partitions) {
        awaitLeaders(admin, topic, partitions, PROPAGATION);
    }

    static void awaitLeaders(Admin admin, String topic, int partitions, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        try {
            while (true) {
                TopicDescription description;
                try {
                    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                    description = describe(admin, topic, new DescribeTopicsOptions(), left);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicAuthorizationException) {
                        return;
                    }
                    throw cannotDescribe(topic, e.getCause());
                }
                long led = description.partitions().stream()
                        .filter(p -> p.leader() != null && !p.leader().isEmpty())
                        .count();
                if (led >= partitions) {
                    awaitLogs(admin, description, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " was created, but " + led + " of its "
                            + partitions + " partitions had a leader after " + patience.toMillis() / 1000.0 + " s");
                }
                Thread.sleep(PAUSE_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
        }
    }

    /** Asks every partition's leader for its log's end; the Admin retries "not leader" until {@code patience} runs out. */
    private static void awaitLogs(Admin admin, TopicDescription topic, Duration patience) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        topic.partitions().forEach(p -> ends.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        ListOffsetsOptions options = new ListOffsetsOptions();
        options.timeoutMs((int) Math.min(Integer.MAX_VALUE, Math.max(1, patience.toMillis())));
        try {
            admin.listOffsets(ends, options).all().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException) {
                return;
            }
            throw new IllegalStateException(
                    "topic " + topic.name() + " was created, but not every partition's leader answered for its log: "
                            + KafkaFailures.oneLine(e.getCause()),
                    e.getCause());
        }
    }

    /** The topic's partition count, with Kafka's refusal explained in one line. */
    public static int partitions(Admin admin, String topic) {
        try {
            return describe(admin, topic, new DescribeTopicsOptions())
                    .partitions()
                    .size();
        } catch (ExecutionException e) {
            throw cannotDescribe(topic, e.getCause());
        }
    }

    /** What to throw when Kafka will not describe {@code topic}: its answer in one line. */
    public static IllegalStateException cannotDescribe(String topic, Throwable cause) {
        return new IllegalStateException("cannot describe topic " + topic + ": " + KafkaFailures.oneLine(cause), cause);
    }
}
