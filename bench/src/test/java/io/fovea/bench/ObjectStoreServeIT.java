package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.ModelRelease;
import io.fovea.avro.Prediction;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.runtime.Blocking;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.Promotions;
import io.fovea.core.store.location.ModelStores;
import io.fovea.core.store.object.ObjectStoreSettings;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.testing.CifarFiles;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.S3TestServer;
import io.fovea.testing.TinyBundles;
import io.fovea.trainer.TrainCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The object store as a cluster uses it: a version trained and published to an S3-compatible
 * server (s3proxy, real) with its ledger on Kafka, two serve instances in JVMs of their own, each
 * with its own cache, through a promotion, a canary, a rollback and a promotion made while the
 * object server is down; then two processes promoting at once.
 */
class ObjectStoreServeIT {
    private static final String MODEL = "objs";
    private static S3TestServer s3;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        NativeBackend.configure();
        s3 = S3TestServer.start();
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Test
    void twoServeInstancesClassifyEveryImageOnceWhileVersionsMoveAndTheObjectServerGoesAway() throws Exception {
        KafkaConnection kafka = KafkaTestBroker.connection();
        String run = UUID.randomUUID().toString().substring(0, 6);
        String location = "s3://" + s3.newBucket() + "/models";
        String releases = "objs-rel-" + run;
        String input = "objs-in-" + run;
        String output = "objs-out-" + run;
        KafkaTestClients.createTopic(input, 4);
        Map<String, String> settings = new HashMap<>(s3.settings(dir.resolve("cache-cli")));
        settings.put(ObjectStoreSettings.LEDGER_TOPIC, "objs-ledger-" + run);

        assertEquals(0, train(kafka, location, settings), "bin/fovea train publishes to the object store");
        ImageLoad images = new ImageLoad(kafka);
        try (ModelStore store = ModelStores.open(location, settings, () -> kafka);
                ReleasePublisher publisher = new ReleasePublisher(kafka, releases)) {
            assertEquals(List.of(1), store.versions(MODEL));
            TinyBundles.publish(store, MODEL, 2);
            TinyBundles.publish(store, MODEL, 3);
            TinyBundles.publish(store, MODEL, 4);
            store.promote(MODEL, 1, publisher.announcer(ReleaseAction.PROMOTED));

            List<ServeProcess> serves = new ArrayList<>();
            for (String instance : List.of("a", "b")) {
                serves.add(serve(kafka, location, settings, instance, run, input, output, releases));
            }
            serves.forEach(serve -> serve.awaitReady(Duration.ofMinutes(3))); // started side by side
            try {
                images.fill(input, 1000, "one-");
                awaitPredictions(output, 1000);

                store.promote(MODEL, 2, publisher.announcer(ReleaseAction.PROMOTED));
                serves.forEach(serve -> serve.awaitServing(2));
                publisher.send(ReleasePublisher.trialStarted(
                        store.manifest(MODEL, 3), store.uri(MODEL, 3), ReleaseAction.CANARY_STARTED, 2, 0.5, null));
                Blocking.pause(Duration.ofSeconds(5)); // both load the canary
                images.fill(input, 1000, "two-");
                awaitPredictions(output, 2000);
                publisher.send(ReleasePublisher.trialEnded(
                        store.manifest(MODEL, 3), store.uri(MODEL, 3), ReleaseAction.CANARY_ENDED, 2, "test over"));

                // promote checks a version before it changes anything: done here, so that the
                // promotion below can be made with the object server down (from this cache)
                store.verify(MODEL, 4);
                // Version 1 is in both serve caches: rolling back to it needs no object server.
                s3.pause();
                try {
                    Promotions.Change back = store.rollback(MODEL, publisher.announcer(ReleaseAction.ROLLED_BACK));
                    assertEquals(1, back.version());
                    serves.forEach(serve -> serve.awaitServing(1));

                    // Version 4 is in neither: its promotion waits, and version 1 serves meanwhile.
                    store.promote(MODEL, 4, publisher.announcer(ReleaseAction.PROMOTED));
                    images.fill(input, 1000, "three-");
                    awaitPredictions(output, 3000);
                    for (ServeProcess serve : serves) {
                        assertEquals(1.0, serve.metric("fovea_model_version", ""), "the old version keeps serving");
                    }
                } finally {
                    s3.resume();
                }
                serves.forEach(serve -> serve.awaitServing(4));

                // a serve that restarts with the object server down starts from its cache
                s3.pause();
                try {
                    serves.get(0).close();
                    serves.set(
                            0,
                            serve(kafka, location, settings, "a", run, input, output, releases)
                                    .awaitReady(Duration.ofMinutes(3)));
                    assertEquals(4.0, serves.get(0).metric("fovea_model_version", ""));
                } finally {
                    s3.resume();
                }
            } finally {
                for (ServeProcess serve : serves) {
                    serve.close();
                }
            }

            List<Prediction> predictions = awaitPredictions(output, 3000);
            Set<String> ids =
                    predictions.stream().map(p -> p.getId().toString()).collect(Collectors.toSet());
            assertEquals(3000, ids.size(), "every image one prediction");
            assertEquals(
                    3000,
                    KafkaTestClients.readCommitted(output, 3001, Duration.ofSeconds(5))
                            .size(),
                    "and only one");
            Map<Integer, Long> byVersion = predictions.stream()
                    .collect(Collectors.groupingBy(Prediction::getModelVersion, Collectors.counting()));
            assertTrue(byVersion.getOrDefault(3, 0L) > 0, "the canary classified its share: " + byVersion);
            assertTrue(
                    byVersion.getOrDefault(1, 0L) >= 2000,
                    "version 1 served before and during the outage: " + byVersion);
            assertEquals(
                    0,
                    KafkaTestClients.readCommitted(output + "-dlq", 1, Duration.ofSeconds(2))
                            .size());

            int before = store.promotions(MODEL).entries().size();
            promoteFromTwoProcessesAtOnce(kafka, location, settings, releases);
            List<Promotions.Entry> history = store.promotions(MODEL).entries();
            assertEquals(before + 40, history.size(), "all 40 promotions are in the history");
            assertEquals(
                    history.stream().map(Promotions.Entry::version).toList(),
                    announcedVersions(releases),
                    "the announcements follow the changes they announce, in the same order");
        }
    }

    private int train(KafkaConnection kafka, String location, Map<String, String> settings) throws IOException {
        Path cifar = Files.createDirectories(dir.resolve("cifar"));
        CifarFiles.write(cifar.resolve("data_batch_1.bin"), 100);
        CifarFiles.write(cifar.resolve("test_batch.bin"), 20);
        Path client = dir.resolve("client.properties");
        Files.write(
                client,
                settings.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toList());
        return new CommandLine(new TrainCommand())
                .execute(
                        "--data",
                        cifar.toString(),
                        "--weights",
                        "none",
                        "--arch",
                        "resnet9-half",
                        "--epochs",
                        "1",
                        "--name",
                        MODEL,
                        "--store",
                        location,
                        "--bootstrap",
                        kafka.bootstrapServers(),
                        "--command-config",
                        client.toString());
    }

    private ServeProcess serve(
            KafkaConnection kafka,
            String location,
            Map<String, String> settings,
            String instance,
            String run,
            String input,
            String output,
            String releases) {
        Map<String, String> serveSettings =
                ServeProcess.topics("objs-" + run, input, output, releases, dir.resolve("state-" + instance));
        serveSettings.putAll(settings);
        serveSettings.put(
                ObjectStoreSettings.CACHE_DIR, dir.resolve("cache-" + instance).toString());
        List<String> credentials = List.of(
                "-Daws.accessKeyId=" + S3TestServer.IDENTITY, "-Daws.secretAccessKey=" + S3TestServer.CREDENTIAL);
        return ServeProcess.start(
                credentials,
                List.of("--bootstrap", kafka.bootstrapServers(), "--store", location, "--model", MODEL),
                serveSettings,
                dir.resolve("serve-" + instance + ".log"));
    }

    private static List<Prediction> awaitPredictions(String output, int count) {
        List<ConsumerRecord<byte[], byte[]>> records =
                KafkaTestClients.readCommitted(output, count, Duration.ofMinutes(3));
        assertTrue(records.size() >= count, records.size() + " of " + count + " predictions");
        return records.stream()
                .map(r -> FoveaRecords.PREDICTION.decode(r.value()))
                .toList();
    }

    private void promoteFromTwoProcessesAtOnce(
            KafkaConnection kafka, String location, Map<String, String> settings, String releases) throws Exception {
        List<Process> processes = new ArrayList<>();
        for (String[] order : List.of(new String[] {"2", "3"}, new String[] {"3", "2"})) {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Daws.accessKeyId=" + S3TestServer.IDENTITY,
                    "-Daws.secretAccessKey=" + S3TestServer.CREDENTIAL,
                    "-cp",
                    System.getProperty("java.class.path"),
                    PromoteLoop.class.getName(),
                    kafka.bootstrapServers(),
                    location,
                    releases,
                    MODEL,
                    order[0],
                    order[1],
                    "20"));
            settings.forEach((key, value) -> command.add(key + "=" + value));
            processes.add(new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("promote-" + order[0] + ".log").toFile())
                    .start());
        }
        for (int i = 0; i < processes.size(); i++) {
            Process process = processes.get(i);
            assertTrue(process.waitFor(3, TimeUnit.MINUTES), "a promoting process ends");
            Path log = dir.resolve("promote-" + (i == 0 ? "2" : "3") + ".log");
            assertEquals(0, process.exitValue(), () -> "a promoting process succeeds: " + read(log));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Versions of every promotion and rollback announced for the model, in topic order. */
    private static List<Integer> announcedVersions(String releases) {
        List<Integer> versions = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestClients.readCommitted(releases, 100_000, Duration.ofSeconds(10))) {
            ModelRelease release = FoveaRecords.MODEL_RELEASE.decode(r.value());
            boolean change =
                    release.getAction() == ReleaseAction.PROMOTED || release.getAction() == ReleaseAction.ROLLED_BACK;
            if (change && new String(r.key(), StandardCharsets.UTF_8).equals(MODEL)) {
                versions.add(release.getVersion());
            }
            seen.add(r.topic());
        }
        return versions;
    }
}
