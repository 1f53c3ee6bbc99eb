package io.fovea.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.ModelRelease;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.Topics;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.testing.KafkaTestBroker;
import io.fovea.testing.KafkaTestClients;
import io.fovea.testing.TinyBundles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsCommandIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    private List<ModelRelease> releasesKeyed(String key) {
        return KafkaTestClients.readCommitted(Topics.MODEL_RELEASES, 1000, Duration.ofSeconds(5)).stream()
                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(key))
                .map(r -> FoveaRecords.MODEL_RELEASE.decode(r.value()))
                .toList();
    }

    @Test
    void promoteAndRollbackMoveTheServingVersionAndAnnounceIt() {
        String model = "m" + System.nanoTime();
        DirectoryModelStore store = new DirectoryModelStore(dir);
        for (int i = 0; i < 3; i++) {
            TinyBundles.publish(store, model, i);
        }
        String bootstrap = KafkaTestBroker.bootstrapServers();

        assertEquals(
                0,
                CliRun.of("models", "promote", model + "@2", "--store", dir.toString(), "--bootstrap", bootstrap)
                        .exitCode());
        CliRun promote3 =
                CliRun.of("models", "promote", model + "@3", "--store", dir.toString(), "--bootstrap", bootstrap);
        assertTrue(promote3.out().startsWith("PROMOTED " + model + "@3 (was 2)"), promote3.out());
        CliRun list = CliRun.of("models", "list", "--store", dir.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(model) && l.contains("     3*")), list.out());
        CliRun rollback = CliRun.of("models", "rollback", model, "--store", dir.toString(), "--bootstrap", bootstrap);
        assertTrue(rollback.out().startsWith("ROLLED_BACK " + model + "@2 (was 3)"), rollback.out());
        CliRun show = CliRun.of("models", "show", model, "--store", dir.toString());
        assertTrue(show.out().contains("\"version\" : 2"), show.out());

        List<ModelRelease> releases = releasesKeyed(model);
        assertEquals(
                List.of(ReleaseAction.PROMOTED, ReleaseAction.PROMOTED, ReleaseAction.ROLLED_BACK),
                releases.stream().map(ModelRelease::getAction).toList());
        assertEquals(
                List.of(2, 3, 2),
                releases.stream().map(ModelRelease::getVersion).toList());
        assertEquals(3, releases.get(2).getPreviousVersion());
    }

    @Test
    void listAndPromoteWorkWhileAnotherProcessPublishesToTheSameStore() throws Exception {
        String model = "busy";
        Process publisher = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        PublishLoop.class.getName(),
                        dir.toString(),
                        model,
                        "12")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("publisher.log").toFile())
                .start();
        DirectoryModelStore store = new DirectoryModelStore(dir);
        int lists = 0;
        while (publisher.isAlive() || lists == 0) {
            CliRun list = CliRun.of("models", "list", "--store", dir.toString());
            assertEquals(0, list.exitCode(), list.err());
            List<Integer> versions = store.versions(model);
            if (!versions.isEmpty()) {
                int newest = versions.get(versions.size() - 1);
                CliRun promote = CliRun.of("models", "promote", model + "@" + newest, "--store", dir.toString());
                assertEquals(0, promote.exitCode(), promote.err());
            }
            lists++;
        }
        assertEquals(0, publisher.waitFor());
        assertEquals(12, store.versions(model).size(), "every version the other process published is listed");
        assertTrue(lists > 1, "listed while the other process was writing");
        store.versions(model)
                .forEach(v -> ModelFiles.graph(store.verified(model, v, ModelFiles.NAMES))
                        .close());
    }

    @Test
    void mistakesAreOneLineErrors() {
        String model = "e" + System.nanoTime();
        TinyBundles.publish(new DirectoryModelStore(dir), model, 1);
        CliRun missing = CliRun.of("models", "promote", model + "@7", "--store", dir.toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no version 7 of model '" + model + "'"), missing.err());
        CliRun nothing = CliRun.of("models", "rollback", model, "--store", dir.toString());
        assertEquals(2, nothing.exitCode());
        assertTrue(nothing.err().contains("nothing to roll back to: no version was ever promoted"), nothing.err());
    }
}
