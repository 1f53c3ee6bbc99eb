package io.fovea.stream;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.Prediction;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Topics of one test, producing into them and counting what came out, read_committed. */
public final class StreamTestKit {
    public final String images = KafkaTestClients.uniqueTopic("images");
    public final String predictions = images.replace("images", "predictions");
    public final String deadLetters = images.replace("images", "dlq");
    public final String shadowPredictions = images.replace("images", "shadow");
    public final String applicationId = "app-" + UUID.randomUUID().toString().substring(0, 8);
    /** Settings a test adds or overrides. */
    public final Map<String, String> extra = new HashMap<>();

    public StreamTestKit(int partitions) {
        KafkaTestClients.createTopic(images, partitions);
    }

    /** Settings for a StreamApp on these topics: fast session timeouts so restarts rebalance quickly. */
    public Map<String, String> settings(String stateDir) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        s.put("application.id", applicationId);
        s.put("input.topic", images);
        s.put("output.topic", predictions);
        s.put("dlq.topic", deadLetters);
        s.put("shadow.topic", shadowPredictions);
        s.put("state.dir", stateDir);
        s.put("http.port", "0");
        s.put("max.batch.size", "16");
        s.put("max.batch.wait.ms", "10");
        s.put("kafka.session.timeout.ms", "6000");
        s.put("kafka.heartbeat.interval.ms", "1000");
        s.put("kafka.transaction.timeout.ms", "10000");
        s.put("shutdown.timeout.ms", "20000");
        s.put("warm.up.ms", "0"); // tests start dozens of apps; WarmUpTest covers the warm-up
        s.putAll(extra);
        return s;
    }

    /** {@code serve} in a JVM of its own, for tests that kill it: the command line, settings as --set. */
    public static List<String> serveCommand(Path store, String model, Map<String, String> settings) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ServeCommand.class.getName(),
                "--store",
                store.toString(),
                "--model",
                model));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        return command;
    }

    public static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KafkaTestBroker.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    public void send(KafkaProducer<byte[], byte[]> producer, String id, byte[] value) {
        producer.send(new ProducerRecord<>(images, id == null ? null : id.getBytes(StandardCharsets.UTF_8), value));
    }

    /** Ids of every committed prediction, with repeats. */
    public List<String> predictedIds(int expected, Duration timeout) {
        return KafkaTestClients.readCommitted(predictions, expected, timeout).stream()
                .map(r -> FoveaRecords.PREDICTION.decode(r.value()))
                .map(Prediction::getId)
                .toList();
    }

    public List<DeadLetter> deadLetters(int expected, Duration timeout) {
        return KafkaTestClients.readCommitted(deadLetters, expected, timeout).stream()
                .map(r -> FoveaRecords.DEAD_LETTER.decode(r.value()))
                .toList();
    }

    /** How often each id appears: exactly once is {id: 1} for all. */
    public static Map<String, Integer> counts(List<String> ids) {
        Map<String, Integer> counts = new HashMap<>();
        ids.forEach(id -> counts.merge(id, 1, Integer::sum));
        return counts;
    }

    public static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public static List<String> ids(String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }
}
