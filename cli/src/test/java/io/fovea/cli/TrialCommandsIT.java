package io.fovea.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.avro.Prediction;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.StreamApp;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.model.Lineup;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.TinyBundles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models shadow|canary|evidence|promote --require|rollback} against a real broker and a
 * serve that follows them: a shadow's evidence, a gate that refuses and then admits, a canary
 * rolled back by hand, and one that rolls itself back when it is less accurate.
 */
class TrialCommandsIT {
    @TempDir
    Path dir;

    private final String model = "t" + System.nanoTime();
    private final String images = KafkaTestClients.uniqueTopic("images");
    private final String predictions = images.replace("images", "predictions");
    private final String shadow = images.replace("images", "shadow");
    private final String releases = images.replace("images", "releases");

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    private CliRun models(String... args) {
        List<String> all = new ArrayList<>(List.of("models"));
        all.addAll(List.of(args));
        all.addAll(List.of(
                "--store", dir.resolve("store").toString(),
                "--bootstrap", KafkaTestBroker.bootstrapServers(),
                "--releases-topic", releases,
                "--predictions-topic", predictions,
                "--shadow-topic", shadow));
        return CliRun.of(all.toArray(String[]::new));
    }

    private StreamApp serve(DirectoryModelStore store) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        s.put("application.id", "app-" + model);
        s.put("input.topic", images);
        s.put("output.topic", predictions);
        s.put("shadow.topic", shadow);
        s.put("dlq.topic", images + ".dlq");
        s.put("releases.topic", releases);
        s.put("state.dir", dir.resolve("state").toString());
        s.put("http.port", "-1");
        s.put("max.batch.wait.ms", "10");
        StreamConfig config = StreamConfig.of(s);
        StreamApp app = new StreamApp(config, config.backends().open(store, model, 1));
        app.followReleases(store, model).start();
        app.awaitRunning(Duration.ofSeconds(60));
        return app;
    }

    /** A 2x2 image of one colour per channel: tiny random networks tell these apart. */
    private static byte[] image(String id, int i, Integer label) {
        byte[] pixels = new byte[12];
        for (int p = 0; p < 12; p++) {
            pixels[p] = (byte) ((i * (p % 3 + 1) * 37) % 256);
        }
        return FoveaRecords.IMAGE_EVENT.encode(ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.now())
                .setWidth(2)
                .setHeight(2)
                .setChannels(3)
                .setPixelFormat(PixelFormat.RGB8_HWC)
                .setPixels(ByteBuffer.wrap(pixels))
                .setLabel(label)
                .build());
    }

    private void produce(String prefix, int n, Map<Integer, Integer> labels) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                String id = prefix + i;
                producer.send(new ProducerRecord<>(
                        images, id.getBytes(StandardCharsets.UTF_8), image(id, i % 64, labels.get(i % 64))));
            }
        }
    }

    private List<Prediction> served(Predicate<Prediction> which, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<Prediction> all =
                    KafkaTestClients.readCommitted(predictions, Integer.MAX_VALUE, Duration.ofSeconds(1)).stream()
                            .map(r -> FoveaRecords.PREDICTION.decode(r.value()))
                            .filter(which)
                            .toList();
            if (all.size() >= atLeast || System.nanoTime() > deadline) {
                return all;
            }
        }
    }

    private static void await(StreamApp app, Predicate<Lineup> condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.test(app.model().lineup())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "no " + what + ": " + app.model().lineup().describe());
            }
            io.fovea.core.runtime.Blocking.pause(Duration.ofMillis(50));
        }
    }

    @Test
    void aShadowsEvidenceGatesItsPromotionAndCanariesEndByHandOrByThemselves() {
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        for (int v = 1; v <= 3; v++) {
            TinyBundles.publish(store, model, v);
        }
        assertEquals(0, models("promote", model + "@1").exitCode());
        try (StreamApp app = serve(store)) {
            CliRun shadowRun = models("shadow", model + "@2");
            assertEquals(0, shadowRun.exitCode(), shadowRun.err());
            await(app, l -> l.shadow() != null && l.shadow().runner().version() == 2, "shadow of version 2");

            // labels the primary always gets right: its own answers on the same images
            produce("probe-", 64, Map.of());
            Map<Integer, Integer> truth = new HashMap<>();
            for (Prediction p : served(p -> p.getId().startsWith("probe-"), 64)) {
                truth.put(Integer.parseInt(p.getId().substring(6)), p.getLabelIndex());
            }
            produce("s-", 256, truth);
            served(p -> p.getId().startsWith("s-"), 256);

            CliRun evidence = models("evidence", model);
            assertEquals(0, evidence.exitCode(), evidence.err());
            assertTrue(evidence.out().contains("from shadow predictions"), evidence.out());
            assertTrue(evidence.out().contains("primary_accuracy  1.0000"), evidence.out());

            CliRun refused = models("promote", model + "@2", "--require", "samples>=100000,agreement>=0");
            assertEquals(3, refused.exitCode(), refused.out() + refused.err());
            assertTrue(refused.err().contains("does not meet samples>=100000.0"), refused.err());
            assertTrue(refused.out().contains("samples"), refused.out());
            assertEquals(Optional.of(1), store.promoted(model), "a refused promotion changes nothing");

            CliRun admitted = models("promote", model + "@2", "--require", "samples>=256,agreement>=0");
            assertEquals(0, admitted.exitCode(), admitted.out() + admitted.err());
            await(app, l -> l.primary().version() == 2 && l.shadow() == null, "version 2 serving, its shadow ended");

            assertEquals(0, models("canary", model + "@3", "--share", "50").exitCode());
            await(app, l -> l.canary() != null && l.canary().runner().version() == 3, "canary of version 3");
            CliRun rollback = models("rollback", model);
            assertTrue(rollback.out().contains("Canary " + model + "@3 rolled back"), rollback.out());
            await(app, l -> l.canary() == null, "the canary ended");
            assertEquals(Optional.of(2), store.promoted(model), "rolling back a canary leaves the promotions");

            // version 2's answers are the truth now; version 3 must fall behind it and end itself
            truth.clear();
            produce("probe2-", 64, Map.of());
            for (Prediction p : served(p -> p.getId().startsWith("probe2-"), 64)) {
                truth.put(Integer.parseInt(p.getId().substring(7)), p.getLabelIndex());
            }
            CliRun guarded = models(
                    "canary",
                    model + "@3",
                    "--share",
                    "50",
                    "--auto-rollback-margin",
                    "0.05",
                    "--auto-rollback-after",
                    "20");
            assertEquals(0, guarded.exitCode(), guarded.err());
            await(app, l -> l.canary() != null, "the guarded canary");
            produce("g-", 400, truth);
            await(app, l -> l.canary() == null, "the canary rolled back by itself");
            List<Prediction> byCanary = served(p -> p.getId().startsWith("g-") && p.getModelVersion() == 3, 1);
            double accuracy = byCanary.stream()
                            .filter(p -> p.getTrueLabel() == p.getLabelIndex())
                            .count()
                    / (double) byCanary.size();
            assertTrue(accuracy < 0.95, "the canary was less accurate: " + accuracy);
            CliRun stop = models("canary", model, "--stop");
            assertTrue(stop.out().contains("No canary"), "ended on the topic too: " + stop.out());
            assertNull(app.model().lineup().canary());
        }
    }
}
