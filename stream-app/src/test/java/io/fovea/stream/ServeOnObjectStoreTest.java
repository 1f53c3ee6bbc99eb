package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.cli.CommandErrors;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.location.ModelStores;
import io.fovea.core.store.object.ObjectStoreSettings;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.S3TestServer;
import io.fovea.testing.TinyBundles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeOnObjectStoreTest {
    @TempDir
    Path dir;

    @Test
    void withTheObjectServerDownAndTheVersionNotCachedServeExitsNamingTheEndpointAndTheBucket() {
        try (S3TestServer s3 = S3TestServer.start()) {
            String location = "s3://" + s3.newBucket() + "/models";
            Map<String, String> settings = new HashMap<>(s3.settings(dir.resolve("publisher-cache")));
            settings.put(ObjectStoreSettings.LEDGER_TOPIC, "serve-ledger-" + UUID.randomUUID());
            try (ModelStore store = ModelStores.open(location, settings, KafkaTestBroker::connection)) {
                TinyBundles.publish(store, "down", 1);
                store.promote("down", 1);
            }
            settings.put(
                    ObjectStoreSettings.CACHE_DIR, dir.resolve("serve-cache").toString()); // empty
            s3.pause();
            StringWriter err = new StringWriter();
            CommandLine cli = CommandErrors.install(new CommandLine(new ServeCommand()));
            cli.setErr(new PrintWriter(err));
            cli.setOut(new PrintWriter(new StringWriter()));
            List<String> args = new ArrayList<>(
                    List.of("--bootstrap", KafkaTestBroker.bootstrapServers(), "--store", location, "--model", "down"));
            settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));

            int status = cli.execute(args.toArray(String[]::new));

            assertEquals(CommandErrors.USER_ERROR, status, err.toString());
            assertTrue(err.toString().contains(location), err.toString());
            assertTrue(err.toString().contains(s3.endpoint().toString()), err.toString());
            assertTrue(err.toString().contains("unreachable"), err.toString());
            s3.resume();
        }
    }
}
