package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.broker.FreePorts;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.TinyBundles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} restarted after SIGTERM and after SIGKILL, at Kafka's default session timeout
 * (45 s): each restart must reach {@code /ready} within 1.3 times the first start's time, and
 * every image sent across the restarts is predicted exactly once.
 */
class RestartIT {
    private static final int PER_PHASE = 300;
    private static final double MAX_RATIO = 1.3;
    private static final Duration TIMEOUT = Duration.ofSeconds(150);

    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    private record Started(Process process, double secondsToReady) {}

    private Started serve(StreamTestKit kit, String logName) throws IOException, InterruptedException {
        int port = FreePorts.one();
        Map<String, String> settings = kit.settings(dir.resolve("state").toString());
        // Kafka's defaults, not the test kit's short session: the stall to beat is the 45 s one.
        settings.remove("kafka.session.timeout.ms");
        settings.remove("kafka.heartbeat.interval.ms");
        settings.put("http.port", Integer.toString(port));
        List<String> command = StreamTestKit.serveCommand(dir.resolve("store"), "tiny", settings);
        long launched = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(logName).toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        long deadline = launched + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return new Started(process, (System.nanoTime() - launched) / 1e9);
                }
            } catch (IOException notListeningYet) {
                // the JVM is still starting
            }
            assertTrue(process.isAlive(), "serve exited before it was ready; log: " + dir.resolve(logName));
            Thread.sleep(100);
        }
        throw new AssertionError("serve not ready after " + TIMEOUT + "; log: " + dir.resolve(logName));
    }

    private static void send(StreamTestKit kit, KafkaProducer<byte[], byte[]> producer, int from) {
        for (int i = from; i < from + PER_PHASE; i++) {
            kit.send(producer, "r" + i, TestImages.bytes("r" + i, i % 256, i % 10));
        }
        producer.flush();
    }

    private static void awaitPredictions(StreamTestKit kit, int count) {
        StreamTestKit.await(
                () -> KafkaTestClients.readCommitted(kit.predictions, count, Duration.ofMillis(500))
                                .size()
                        >= count,
                TIMEOUT,
                count + " predictions");
    }

    /** The transactional ids the broker knows for this test's app: one per stream thread and process id. */
    private static Set<String> transactionalIds(StreamTestKit kit) throws Exception {
        try (Admin admin = Admin.create(KafkaTestBroker.connection().admin())) {
            return admin.listTransactions().all().get().stream()
                    .map(TransactionListing::transactionalId)
                    .filter(id -> id.startsWith(kit.applicationId + "-"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void aRestartAfterSigtermOrSigkillIsReadyAsSoonAsAFirstStartAndLosesNothing() throws Exception {
        StreamTestKit kit = new StreamTestKit(4);
        TinyBundles.publish(new DirectoryModelStore(dir.resolve("store")), "tiny", 1);
        try (KafkaProducer<byte[], byte[]> producer = StreamTestKit.producer()) {
            Started first = serve(kit, "serve-1.log");
            send(kit, producer, 0);
            awaitPredictions(kit, PER_PHASE / 3);
            Set<String> firstIds = transactionalIds(kit);
            first.process().destroy(); // SIGTERM, mid-stream
            assertTrue(first.process().waitFor(40, TimeUnit.SECONDS));

            Started afterSigterm = serve(kit, "serve-2.log");
            send(kit, producer, PER_PHASE);
            awaitPredictions(kit, PER_PHASE + PER_PHASE / 3);
            afterSigterm.process().destroyForcibly(); // SIGKILL, mid-stream
            assertTrue(afterSigterm.process().waitFor(30, TimeUnit.SECONDS));

            Started afterSigkill = serve(kit, "serve-3.log");
            send(kit, producer, 2 * PER_PHASE);
            List<String> ids = kit.predictedIds(3 * PER_PHASE, TIMEOUT);
            afterSigkill.process().destroy();
            assertTrue(afterSigkill.process().waitFor(40, TimeUnit.SECONDS));

            double sigtermRatio = afterSigterm.secondsToReady() / first.secondsToReady();
            double sigkillRatio = afterSigkill.secondsToReady() / first.secondsToReady();
            System.out.printf(
                    "RestartIT: first start %.1f s; after SIGTERM %.1f s (%.2fx); after SIGKILL %.1f s (%.2fx)%n",
                    first.secondsToReady(),
                    afterSigterm.secondsToReady(),
                    sigtermRatio,
                    afterSigkill.secondsToReady(),
                    sigkillRatio);
            // a restart on the same state directory reuses its transactional ids, so its first transaction
            // aborts what a killed predecessor left open instead of waiting for the broker to time it out
            assertFalse(firstIds.isEmpty(), "no transactional id of " + kit.applicationId + " at the broker");
            assertEquals(firstIds, transactionalIds(kit), "the restarts' transactional ids");
            Map<String, Integer> counts = StreamTestKit.counts(ids);
            assertEquals(3 * PER_PHASE, counts.size(), "every image predicted (" + ids.size() + " predictions read)");
            assertTrue(counts.values().stream().allMatch(c -> c == 1), "none twice");
            assertTrue(sigtermRatio <= MAX_RATIO, "restart after SIGTERM took " + sigtermRatio + "x a first start");
            assertTrue(sigkillRatio <= MAX_RATIO, "restart after SIGKILL took " + sigkillRatio + "x a first start");
        }
    }
}
