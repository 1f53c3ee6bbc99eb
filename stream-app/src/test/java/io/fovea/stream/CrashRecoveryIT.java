package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.TinyBundles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} in a child JVM, killed with SIGKILL in the middle of a stream of labelled events,
 * then restarted: a read_committed consumer must see exactly one prediction for every event.
 * Then SIGTERM must stop it cleanly within its shutdown timeout.
 */
class CrashRecoveryIT {
    private static final int EVENTS = 1500;

    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    private Process serve(StreamTestKit kit, Path store, Path log) throws IOException {
        List<String> command = StreamTestKit.serveCommand(
                store, "tiny", kit.settings(dir.resolve("state").toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    @Test
    void sigkillMidStreamThenRestartGivesExactlyOnePredictionPerEventAndSigtermStopsCleanly() throws Exception {
        StreamTestKit kit = new StreamTestKit(4);
        // Long-lived batches: at any moment, records whose offsets are already committed wait in
        // a batch. Only a durable batch survives the kill; an in-memory one loses them.
        kit.extra.put("max.batch.wait.ms", "1500");
        kit.extra.put("batch.close.when.queue.empty", "false"); // held even when nothing waits for the model
        kit.extra.put("max.batch.size", "200");
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        TinyBundles.publish(store, "tiny", 1);
        Path log = dir.resolve("serve.log");

        Thread feeder;
        try (KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer()) {
            feeder = new Thread(() -> {
                for (int i = 0; i < EVENTS; i++) {
                    kit.send(producer, "k" + i, TestImages.bytes("k" + i, i % 256, i % 10));
                    if (i % 100 == 99) {
                        producer.flush();
                        sleepQuietly(150);
                    }
                }
                producer.flush();
            });
            Process first = serve(kit, dir.resolve("store"), log);
            feeder.start();
            StreamTestKit.await(
                    () -> KafkaTestClients.readCommitted(kit.predictions, 200, Duration.ofMillis(500))
                                    .size()
                            >= 200,
                    Duration.ofSeconds(120),
                    "the first 200 predictions (log: " + log + ")");
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, an open transaction
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            int beforeRestart = KafkaTestClients.readCommitted(kit.predictions, EVENTS, Duration.ofSeconds(3))
                    .size();
            assertTrue(
                    beforeRestart < EVENTS,
                    "the kill must land mid-stream, " + beforeRestart + " of " + EVENTS + " done");

            Process second = serve(kit, dir.resolve("store"), dir.resolve("serve-2.log"));
            feeder.join();
            List<String> ids = kit.predictedIds(EVENTS, Duration.ofSeconds(120));
            Map<String, Integer> counts = StreamTestKit.counts(ids);
            assertEquals(EVENTS, counts.size(), "every event predicted (" + ids.size() + " predictions read)");
            assertTrue(counts.values().stream().allMatch(c -> c == 1), "none twice");
            assertTrue(
                    kit.deadLetters(1, Duration.ofSeconds(2)).isEmpty(),
                    "labelled valid events are never dead letters");

            second.destroy(); // SIGTERM
            assertTrue(second.waitFor(40, TimeUnit.SECONDS), "SIGTERM stops serve within its shutdown timeout");
            assertEquals(143, second.exitValue(), "killed by SIGTERM after running its shutdown hook");
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
