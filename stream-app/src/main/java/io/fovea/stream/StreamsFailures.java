package io.fovea.stream;

import io.fovea.schemas.kafka.KafkaFailures;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a Kafka Streams client fails for good: the one line an operator can act on, logged beside
 * Kafka Streams' own stack trace, and a latch for serve, which then exits so that whatever runs
 * it restarts it. Nothing in the process can bring a client in state ERROR back.
 */
final class StreamsFailures {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsFailures.class);

    private final CountDownLatch failed = new CountDownLatch(1);
    private volatile String why;

    private StreamsFailures() {}

    /** Installs the handler and the state listener on {@code streams}, before it starts. */
    static StreamsFailures watch(KafkaStreams streams) {
        StreamsFailures failures = new StreamsFailures();
        streams.setUncaughtExceptionHandler(e -> {
            KafkaFailures.explain(e).ifPresent(line -> {
                failures.why = line;
                LOG.error(line);
            });
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR) {
                LOG.error("Kafka Streams stopped on an error it cannot get past (logged above, with what to do); "
                        + "/health now answers 503. Nothing committed is lost: fix the cause and restart serve.");
                failures.failed.countDown();
            }
        });
        return failures;
    }

    /** Waits until the client is in state ERROR. */
    void await() throws InterruptedException {
        failed.await();
    }

    /** Why it failed, when it is a failure the operator can fix; else null. */
    String why() {
        return why;
    }

    /**
     * Kafka Streams locks state.dir at construction; a second instance on it (same application,
     * same machine) must stop here, before it joins the group under the first one's instance id.
     */
    static IllegalStateException stateDirRefused(StreamConfig config, StreamsException e) {
        String dir = config.get(StreamOptions.STATE_DIR);
        String why = e.getMessage() != null && e.getMessage().contains("same state directory")
                ? "state.dir " + dir + " is in use by another serve of application "
                        + config.get(StreamOptions.APPLICATION_ID)
                        + " on this machine: give each instance its own state.dir"
                : "Kafka Streams cannot start on state.dir " + dir;
        return new IllegalStateException(why + " (" + e.getMessage() + ")", e);
    }
}
