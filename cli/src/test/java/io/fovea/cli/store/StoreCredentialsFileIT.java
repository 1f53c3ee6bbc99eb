package io.fovea.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.cli.FoveaCommand;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.location.ModelStores;
import io.fovea.core.store.object.ObjectStoreSettings;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.S3TestServer;
import io.fovea.testing.TinyBundles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How deploy/k8s/overlays/object-store hands the object store its key: a Secret mounted as a file
 * in the AWS credentials format, named by AWS_SHARED_CREDENTIALS_FILE, with no key in the
 * environment, and the store's settings as FOVEA_STORE_* variables from a ConfigMap. A command in
 * a JVM of its own, as in a pod, since the AWS SDK's default chain reads the process environment.
 */
class StoreCredentialsFileIT {
    @TempDir
    Path dir;

    @Test
    void theKeyInTheFileTheEnvironmentNamesSignsInAndAWrongOneIsRefusedWithoutBeingPrinted() throws Exception {
        try (S3TestServer s3 = S3TestServer.start()) {
            String location = "s3://" + s3.newBucket() + "/models";
            String ledger = "ledger-" + UUID.randomUUID();
            Map<String, String> settings = new HashMap<>(s3.settings(dir.resolve("publisher-cache")));
            settings.put(ObjectStoreSettings.LEDGER_TOPIC, ledger);
            try (ModelStore store = ModelStores.open(location, settings, KafkaTestBroker::connection)) {
                TinyBundles.publish(store, "tiny", 1);
            }
            Map<String, String> environment =
                    Map.of("FOVEA_STORE_S3_ENDPOINT", s3.endpoint().toString(), "FOVEA_STORE_LEDGER_TOPIC", ledger);

            Path key = credentials("key", S3TestServer.IDENTITY, S3TestServer.CREDENTIAL);
            Run signedIn = show(location, environment, key);
            assertEquals(0, signedIn.exitCode(), signedIn.output());
            assertTrue(signedIn.output().contains("bundle: " + location + "/tiny/1/"), signedIn.output());

            Path wrong = credentials("wrong", S3TestServer.IDENTITY, "not-the-secret-key");
            Run refused = show(location, environment, wrong);
            assertEquals(2, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains("refuses to read"), refused.output());
            assertTrue(refused.output().contains(location), "names the store: " + refused.output());
            assertFalse(refused.output().contains("not-the-secret-key"), refused.output());
        }
    }

    private Path credentials(String name, String accessKey, String secretKey) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(
                file, "[default]\naws_access_key_id = " + accessKey + "\naws_secret_access_key = " + secretKey + "\n");
        return file;
    }

    private record Run(int exitCode, String output) {}

    /** {@code bin/fovea models show tiny@1} in a JVM whose only AWS credential is {@code file}. */
    private Run show(String location, Map<String, String> environment, Path file) throws Exception {
        Path log = dir.resolve("show-" + UUID.randomUUID() + ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                FoveaCommand.class.getName(),
                "models",
                "show",
                "tiny@1",
                "--store",
                location,
                "--bootstrap",
                KafkaTestBroker.bootstrapServers()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("FOVEA_"));
        env.putAll(environment);
        env.put(
                "FOVEA_STORE_CACHE_DIR",
                dir.resolve("cache-" + UUID.randomUUID()).toString()); // nothing cached
        env.put("AWS_SHARED_CREDENTIALS_FILE", file.toString());
        env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
        Process process =
                builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "models show still running");
        return new Run(process.exitValue(), Files.readString(log));
    }
}
