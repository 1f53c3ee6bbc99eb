package io.fovea.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.broker.BrokerSecurity;
import io.fovea.broker.FreePorts;
import io.fovea.broker.LocalKafkaBroker;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.location.ModelStores;
import io.fovea.schemas.Topics;
import io.fovea.schemas.kafka.FoveaAcls;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.stream.ServeCommand;
import io.fovea.testing.CifarFiles;
import io.fovea.testing.S3TestServer;
import io.fovea.testing.TinyBundles;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command against a secured cluster (SASL_SSL, SCRAM-SHA-512, ACLs enforced: {@code bin/fovea
 * broker --secure}), signed in with a {@code --command-config} file as Kafka's own tools are, and
 * holding only the ACLs docs/security.md lists. A fresh broker per test: the default topic names
 * the ACLs name are then this test's alone.
 */
class SecuredClusterIT {
    private static final int IMAGES = 60;
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private LocalKafkaBroker broker;
    private KafkaConnection admin;
    private Path appConfig;
    private DirectoryModelStore store;
    private final List<Process> serves = new ArrayList<>();

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @BeforeEach
    void securedBroker() throws IOException {
        broker = LocalKafkaBroker.start(dir.resolve("kafka"), 0, true);
        admin = KafkaConnection.of(broker.adminSettings());
        String app = "User:" + BrokerSecurity.APP;
        FoveaAcls.grant(admin, FoveaAcls.all(app, Topics.APPLICATION_ID));
        appConfig = broker.security().writeClientProperties(broker.bootstrapServers(), BrokerSecurity.APP);
        store = new DirectoryModelStore(dir.resolve("store"));
        TinyBundles.publish(store, "tiny", 1);
        TinyBundles.publish(store, "tiny", 2);
        store.promote("tiny", 1);
    }

    @AfterEach
    void stop() {
        serves.forEach(Process::destroyForcibly);
        broker.close();
    }

    @Test
    void withTheDocumentedAclsEveryImageIsClassifiedOnceAndAPromotionSwapsTheModel() throws Exception {
        int http = FreePorts.one();
        Process serve = serve(appConfig, "serve.log", http);
        awaitReady(serve, http, "serve.log");

        produce(appConfig, IMAGES);
        List<String> first = predictions(appConfig, IMAGES);
        assertEquals(IMAGES, new TreeSet<>(ids(first)).size(), "distinct predictions: " + first);

        CliRun promote = CliRun.of(
                "models",
                "promote",
                "tiny@2",
                "--store",
                store.root().toString(),
                "--command-config",
                appConfig.toString());
        assertEquals(0, promote.exitCode(), promote.err());
        assertTrue(promote.out().contains("announced on fovea.model-releases"), promote.out());
        awaitMetric(http, "fovea_model_swaps_total{result=\"swapped\"} 1.0");

        Path afterPromotion = produce(appConfig, IMAGES);
        List<String> all = predictions(appConfig, 2 * IMAGES);
        assertEquals(2 * IMAGES, all.size(), "no prediction twice, none missing");
        assertEquals(2 * IMAGES, new TreeSet<>(ids(all)).size());
        List<String> second = all.stream()
                .filter(line -> line.contains(afterPromotion.getFileName().toString()))
                .toList();
        assertEquals(IMAGES, second.size());
        assertTrue(second.stream().allMatch(line -> line.contains("[tiny@2,")), second.toString());

        String password = broker.security().password(BrokerSecurity.APP);
        String metrics = HttpClient.newHttpClient()
                .send(get(http, "/metrics"), HttpResponse.BodyHandlers.ofString())
                .body();
        assertFalse(metrics.contains(password), "the password is in /metrics");
        assertFalse(Files.readString(dir.resolve("serve.log")).contains(password), "the password is in serve's log");
        assertFalse(promote.out().contains(password) || promote.err().contains(password));
    }

    @Test
    void aWrongPasswordEndsEveryCommandWithinThirtySecondsSayingAuthenticationFailed() throws Exception {
        Path wrong = withPassword(appConfig, "not-the-password");
        String storeDir = store.root().toString();
        Optional<Integer> promotedBefore = store.promoted("tiny");
        List<List<String>> commands = List.of(
                List.of(
                        "produce",
                        "--data",
                        CifarFiles.write(dir.resolve("b.bin"), 3).toString()),
                List.of("consume", "--topic", Topics.PREDICTIONS),
                List.of("models", "promote", "tiny@2", "--store", storeDir),
                List.of("models", "rollback", "tiny", "--store", storeDir));
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--command-config", wrong.toString()));
            long start = System.nanoTime();
            CliRun run = CliRun.of(args.toArray(String[]::new));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(2, run.exitCode(), command + ": " + run.err());
            assertTrue(run.err().contains("Kafka authentication failed"), command + ": " + run.err());
            assertTrue(took.compareTo(COMMAND_LIMIT) < 0, command + " took " + took);
        }
        assertEquals(
                promotedBefore, store.promoted("tiny"), "a promotion that could not be announced changed the store");

        long start = System.nanoTime();
        Process serve = serve(wrong, "serve-wrong.log", FreePorts.one());
        assertTrue(serve.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS), "serve still running after 30 s");
        String log = Files.readString(dir.resolve("serve-wrong.log"));
        assertEquals(2, serve.exitValue(), log);
        assertTrue(log.contains("Kafka authentication failed"), log);
        assertFalse(log.contains("\tat "), "a stack trace:\n" + log);
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(COMMAND_LIMIT) < 0);
    }

    @Test
    void serveWithoutWriteOnItsOutputSaysSoAndLosesNothingOnceGranted() throws Exception {
        deniedThenGranted(
                acl -> acl.pattern().name().equals(Topics.PREDICTIONS)
                        && acl.entry().operation() == AclOperation.WRITE,
                2,
                "Kafka denies WRITE on topic '" + Topics.PREDICTIONS + "'");
    }

    @Test
    void serveWithoutItsTransactionalIdSaysSoAndLosesNothingOnceGranted() throws Exception {
        deniedThenGranted(
                acl -> acl.pattern().resourceType() == ResourceType.TRANSACTIONAL_ID,
                1,
                "Kafka denied WRITE on the transactional id");
    }

    @Test
    void aPrincipalWithoutAclsIsToldItMayNotDescribeTheTopicNotThatItIsMissing() throws Exception {
        produce(appConfig, 3); // fovea.images exists
        createUser("nobody", "nobody-password");
        Path nobody = dir.resolve("nobody.properties");
        writeProperties(
                nobody, broker.security().clientSettings(broker.bootstrapServers(), "nobody", "nobody-password"));

        CliRun produce = CliRun.of(
                "produce",
                "--command-config",
                nobody.toString(),
                "--data",
                CifarFiles.write(dir.resolve("nobody.bin"), 3).toString());
        assertEquals(2, produce.exitCode(), produce.err());
        assertTrue(produce.err().contains("Kafka denies DESCRIBE on topic " + Topics.IMAGES), produce.err());
        assertFalse(produce.err().contains("does not exist"), produce.err());

        CliRun consume = CliRun.of("consume", "--command-config", nobody.toString(), "--topic", Topics.IMAGES);
        assertEquals(2, consume.exitCode(), consume.err());
        assertFalse(consume.err().contains("does not exist"), consume.err());
    }

    /**
     * An object store on a secured cluster, each principal holding only its role's ACLs: the
     * publisher (role models) takes version numbers, publishes and promotes through the ledger;
     * serve (role serve) reads the ledger and follows a promotion, but may not write the ledger.
     */
    @Test
    void withOnlyTheirRolesAclsAPublisherPromotesThroughAnObjectStoreAndServeFollows() throws Exception {
        try (S3TestServer s3 = S3TestServer.start()) {
            String location = "s3://" + s3.newBucket() + "/models";
            Path publisher = principal("publisher", FoveaAcls.Role.MODELS, s3);
            Path server = principal("server", FoveaAcls.Role.SERVE, s3);
            try (ModelStore objects = ModelStores.open(
                    location,
                    ModelStores.settings(KafkaConnection.readProperties(publisher), Map.of()),
                    () -> KafkaConnection.load(null, publisher))) {
                assertEquals(1, TinyBundles.publish(objects, "tiny", 1));
                assertEquals(2, TinyBundles.publish(objects, "tiny", 2));
                CliRun first = CliRun.of(
                        "models", "promote", "tiny@1", "--store", location, "--command-config", publisher.toString());
                assertEquals(0, first.exitCode(), first.err());

                int http = FreePorts.one();
                Process serve = serve(server, "serve-s3.log", http, location);
                awaitReady(serve, http, "serve-s3.log");
                produce(appConfig, IMAGES);
                List<String> before = predictions(appConfig, IMAGES);
                assertEquals(IMAGES, before.size(), before.toString());
                assertTrue(before.stream().allMatch(line -> line.contains("[tiny@1,")), before.toString());

                CliRun denied = CliRun.of(
                        "models", "promote", "tiny@2", "--store", location, "--command-config", server.toString());
                assertEquals(2, denied.exitCode(), denied.out() + denied.err());
                assertTrue(denied.err().contains("cannot write to the store's ledger"), denied.err());
                assertEquals(Optional.of(1), objects.promoted("tiny"), "serve's principal changed the ledger");

                CliRun second = CliRun.of(
                        "models", "promote", "tiny@2", "--store", location, "--command-config", publisher.toString());
                assertEquals(0, second.exitCode(), second.err());
                awaitMetric(http, "fovea_model_swaps_total{result=\"swapped\"} 1.0");
                Path afterPromotion = produce(appConfig, IMAGES);
                List<String> all = predictions(appConfig, 2 * IMAGES);
                assertEquals(2 * IMAGES, new TreeSet<>(ids(all)).size(), "every image once");
                assertTrue(
                        all.stream()
                                .filter(line -> line.contains(
                                        afterPromotion.getFileName().toString()))
                                .allMatch(line -> line.contains("[tiny@2,")),
                        all.toString());
            }
        }
    }

    /**
     * A new SCRAM user holding one role's ACLs (and CREATE on the Fovea topics), and its client
     * properties file, which also holds the store.* settings that reach {@code s3}.
     */
    private Path principal(String name, FoveaAcls.Role role, S3TestServer s3) throws Exception {
        createUser(name, name + "-password");
        List<AclBinding> acls = new ArrayList<>(FoveaAcls.of(role, "User:" + name, Topics.APPLICATION_ID));
        acls.addAll(FoveaAcls.of(FoveaAcls.Role.CREATE_TOPICS, "User:" + name, Topics.APPLICATION_ID));
        FoveaAcls.grant(admin, acls);
        Map<String, String> settings = new LinkedHashMap<>(
                broker.security().clientSettings(broker.bootstrapServers(), name, name + "-password"));
        settings.putAll(s3.settings(dir.resolve("cache-" + name)));
        Path file = dir.resolve(name + ".properties");
        writeProperties(file, settings);
        return file;
    }

    /**
     * A principal with serve's ACLs but the one {@code missing} picks: serve ends with {@code
     * exitCode} and says {@code message}; after the grant a restarted serve classifies every image,
     * those sent before it failed and after, exactly once.
     */
    private void deniedThenGranted(Predicate<AclBinding> missing, int exitCode, String message) throws Exception {
        String limited = "User:limited";
        createUser("limited", "limited-password");
        List<AclBinding> serveAcls = FoveaAcls.of(FoveaAcls.Role.SERVE, limited, Topics.APPLICATION_ID);
        AclBinding withheld = serveAcls.stream().filter(missing).findFirst().orElseThrow();
        List<AclBinding> allButOne =
                serveAcls.stream().filter(acl -> !acl.equals(withheld)).collect(Collectors.toList());
        allButOne.addAll(FoveaAcls.of(FoveaAcls.Role.CREATE_TOPICS, limited, Topics.APPLICATION_ID));
        FoveaAcls.grant(admin, allButOne);
        Path limitedConfig = dir.resolve("limited.properties");
        writeProperties(
                limitedConfig,
                broker.security().clientSettings(broker.bootstrapServers(), "limited", "limited-password"));
        produce(appConfig, IMAGES);

        Process denied = serve(limitedConfig, "serve-denied.log", FreePorts.one());
        assertTrue(denied.waitFor(90, TimeUnit.SECONDS), "serve kept running without " + withheld);
        String log = Files.readString(dir.resolve("serve-denied.log"));
        assertEquals(exitCode, denied.exitValue(), log);
        assertTrue(log.contains(message), log);
        assertEquals(0, predictions(appConfig, 0).size(), "nothing classified while denied");

        FoveaAcls.grant(admin, List.of(withheld));
        int http = FreePorts.one();
        awaitReady(serve(limitedConfig, "serve-granted.log", http), http, "serve-granted.log");
        produce(appConfig, IMAGES);
        List<String> all = predictions(appConfig, 2 * IMAGES);
        assertEquals(2 * IMAGES, all.size());
        assertEquals(2 * IMAGES, new TreeSet<>(ids(all)).size(), "every image before and after the grant, once");
    }

    private Process serve(Path clientConfig, String log, int httpPort) throws IOException {
        return serve(clientConfig, log, httpPort, store.root().toString());
    }

    private Process serve(Path clientConfig, String log, int httpPort, String storeLocation) throws IOException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ServeCommand.class.getName(),
                "--command-config",
                clientConfig.toString(),
                "--store",
                storeLocation,
                "--model",
                "tiny",
                "--http-port",
                Integer.toString(httpPort),
                "--set",
                "state.dir=" + dir.resolve("state-" + log),
                "--set",
                "max.batch.size=16");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(S3TestServer.credentialsEnvironment()); // the SDK's chain, as in production
        Process process = builder.redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile())
                .start();
        serves.add(process);
        return process;
    }

    /** @return the file sent, whose name is in every event id */
    private Path produce(Path clientConfig, int images) throws IOException {
        Path data = CifarFiles.write(dir.resolve("batch-" + System.nanoTime() + ".bin"), images);
        CliRun run = CliRun.of("produce", "--command-config", clientConfig.toString(), "--data", data.toString());
        assertEquals(0, run.exitCode(), run.err());
        return data;
    }

    /** The prediction lines, once {@code expected} are there (or what is there after 90 s). */
    private List<String> predictions(Path clientConfig, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<String> lines;
        do {
            CliRun run =
                    CliRun.of("consume", "--command-config", clientConfig.toString(), "--topic", Topics.PREDICTIONS);
            assertEquals(0, run.exitCode(), run.err());
            lines = run.out().lines().toList();
            if (lines.size() >= expected) {
                return lines;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        return lines;
    }

    private static List<String> ids(List<String> lines) {
        return lines.stream().map(line -> line.substring(0, line.indexOf(' '))).toList();
    }

    private void awaitReady(Process serve, int port, String log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(serve.isAlive(), "serve exited: " + Files.readString(dir.resolve(log)));
            try {
                if (http.send(get(port, "/ready"), HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("serve not ready: " + Files.readString(dir.resolve(log)));
    }

    private void awaitMetric(int port, String line) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = http.send(get(port, "/metrics"), HttpResponse.BodyHandlers.ofString())
                    .body();
            if (body.contains(line)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + line + "' in /metrics:\n" + body);
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(2))
                .build();
    }

    private void createUser(String name, String password) throws Exception {
        try (Admin client = admin.newAdmin()) {
            client.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all()
                    .get();
        }
    }

    private Path withPassword(Path config, String password) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>(KafkaConnection.readProperties(config));
        settings.put(
                "sasl.jaas.config",
                settings.get("sasl.jaas.config").replaceAll("password=\"[^\"]*\"", "password=\"" + password + "\""));
        Path file = dir.resolve("wrong.properties");
        writeProperties(file, settings);
        return file;
    }

    private static void writeProperties(Path file, Map<String, String> settings) throws IOException {
        Properties props = new Properties();
        props.putAll(settings);
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, null);
        }
    }
}
