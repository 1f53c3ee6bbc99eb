package io.fovea.stream.release;

import io.fovea.core.release.ReleaseCheck;
import io.fovea.core.release.Rollout;
import io.fovea.core.release.RolloutReader;
import io.fovea.schemas.kafka.KafkaConnection;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted releases topic from its beginning, without a consumer group, so every
 * instance of the app reads every release and they all converge on the same {@link Rollout}:
 * the primary version and any canary or shadow. {@link #catchUp} reads what is there before the
 * stream starts, so a restarted instance serves the same lineup from its first record.
 */
public final class ReleaseFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseFollower.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final String model;
    private final ReleaseCheck check;
    private final Consumer<Rollout> serve;
    private final Thread thread;
    private Rollout state = Rollout.NONE;
    private volatile boolean running = true;

    /**
     * @param check which releases to honour: those the store vouches for
     * @param serve told the state to serve after each release of {@code model} that changes it
     */
    public ReleaseFollower(
            KafkaConnection kafka, String topic, String model, ReleaseCheck check, Consumer<Rollout> serve) {
        this.topic = topic;
        this.model = model;
        this.check = check;
        this.serve = serve;
        this.consumer = kafka.committedReader("fovea-release-follower");
        this.thread = new Thread(this::run, "fovea-release-follower");
        this.thread.setDaemon(true);
    }

    /** Reads every release there is now, on the caller's thread; the state they add up to. */
    public Rollout catchUp(Duration timeout) {
        try {
            assignFromBeginning();
            state = RolloutReader.catchUp(consumer, model, check, state, timeout);
            return state;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + topic, e);
        }
    }

    /** Follows on from where {@link #catchUp} stopped, on a thread of its own. */
    public ReleaseFollower start() {
        thread.start();
        return this;
    }

    private void assignFromBeginning() throws InterruptedException {
        if (consumer.assignment().isEmpty()) {
            List<TopicPartition> partitions = awaitPartitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }
    }

    private void run() {
        try {
            assignFromBeginning();
            while (running) {
                Rollout before = state;
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        state = RolloutReader.apply(state, model, check, record);
                    }
                } catch (WakeupException stopping) {
                    throw stopping;
                } catch (KafkaException e) {
                    // Hot-swaps must not stop for a broker hiccup: say so and read on from where we were.
                    LOG.warn("Reading {} failed, retrying in {}: {}", topic, RETRY, e.toString());
                    pause();
                }
                if (!state.equals(before)) {
                    serve.accept(state); // only the state after a whole poll: catching up replays no history
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

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        if (thread.isAlive()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
