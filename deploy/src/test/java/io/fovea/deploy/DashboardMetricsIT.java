package io.fovea.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.StreamApp;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.model.backend.Dl4jModelRunner;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.TinyBundles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every metric the Grafana dashboard queries is one a running stream app really exports. */
class DashboardMetricsIT {
    @TempDir
    Path dir;

    @Test
    void everyMetricInTheDashboardIsExportedByTheApp() throws Exception {
        NativeBackend.configure();
        String images = KafkaTestClients.uniqueTopic("dash-images");
        KafkaTestClients.createTopic(images, 1);
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        TinyBundles.publish(store, "dash", 1);
        TinyBundles.publish(store, "dash", 2);
        StreamConfig config = StreamConfig.of(Map.of(
                StreamOptions.BOOTSTRAP_SERVERS.key(),
                KafkaTestBroker.bootstrapServers(),
                StreamOptions.APPLICATION_ID.key(),
                "dash-" + System.nanoTime(),
                StreamOptions.INPUT_TOPIC.key(),
                images,
                StreamOptions.OUTPUT_TOPIC.key(),
                images + "-out",
                StreamOptions.DLQ_TOPIC.key(),
                images + "-dlq",
                StreamOptions.SHADOW_TOPIC.key(),
                images + "-shadow",
                StreamOptions.RELEASES_TOPIC.key(),
                images + "-releases",
                StreamOptions.STATE_DIR.key(),
                dir.resolve("state").toString(),
                StreamOptions.HTTP_PORT.key(),
                "0"));
        try (StreamApp app = new StreamApp(config, Dl4jModelRunner.of(store.verified("dash", 1, ModelFiles.NAMES)))) {
            app.followReleases(store, "dash").start();
            app.awaitRunning(Duration.ofSeconds(60)); // throws if the app never gets there
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", KafkaTestBroker.bootstrapServers()),
                    new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(
                        images, "d1".getBytes(StandardCharsets.UTF_8), FoveaRecords.IMAGE_EVENT.encode(event("d1"))));
                producer.send(new ProducerRecord<>(
                        images, "bad".getBytes(StandardCharsets.UTF_8), "junk".getBytes(StandardCharsets.UTF_8)));
            }
            assertEquals(
                    1,
                    KafkaTestClients.readCommitted(images + "-out", 1, Duration.ofSeconds(60))
                            .size(),
                    "the image was classified, so every stream metric has been recorded");
            // a shadow of version 2 (a swap too), so that the side-by-side meters exist
            try (ReleasePublisher publisher =
                    new ReleasePublisher(KafkaTestBroker.connection(), images + "-releases")) {
                publisher.send(ReleasePublisher.trialStarted(
                        store.manifest("dash", 2), store.uri("dash", 2), ReleaseAction.SHADOW_STARTED, 1, 1.0, null));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (app.model().lineup().shadow() == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", KafkaTestBroker.bootstrapServers()),
                    new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(
                        images, "d2".getBytes(StandardCharsets.UTF_8), FoveaRecords.IMAGE_EVENT.encode(event("d2"))));
            }
            assertEquals(
                    1,
                    KafkaTestClients.readCommitted(images + "-shadow", 1, Duration.ofSeconds(60))
                            .size(),
                    "the shadow classified the second image");

            String scrape = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Set<String> exported = new HashSet<>();
            Matcher names =
                    Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(scrape);
            while (names.find()) {
                exported.add(names.group(1));
            }
            JsonNode dashboard = new ObjectMapper()
                    .readTree(DeployFilesTest.DEPLOY
                            .resolve("grafana/dashboards/fovea.json")
                            .toFile());
            Matcher queried = Pattern.compile("\\b((?:fovea|kafka)_[a-z0-9_]+)").matcher(dashboard.toString());
            Set<String> dashboardMetrics = new TreeSet<>();
            while (queried.find()) {
                dashboardMetrics.add(queried.group(1));
            }
            assertFalse(
                    dashboardMetrics.isEmpty(), "the dashboard queries no fovea_ or kafka_ metric: the pattern is off");
            Set<String> missing = new TreeSet<>(dashboardMetrics);
            missing.removeAll(exported);
            assertEquals(
                    Set.of(),
                    missing,
                    "queried by the dashboard but not exported; exported: "
                            + exported.stream()
                                    .filter(n -> n.startsWith("fovea"))
                                    .sorted()
                                    .toList());
        }
    }

    /** A labelled 32x32 black image. */
    private static ImageEvent event(String id) {
        return ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.now())
                .setWidth(32)
                .setHeight(32)
                .setChannels(3)
                .setPixelFormat(PixelFormat.RGB8_CHW)
                .setPixels(ByteBuffer.wrap(new byte[3072]))
                .setLabel(3)
                .setAttributes(Map.of())
                .build();
    }
}
