package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.Blocking;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.testing.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while a VGG16 on ONNX Runtime is busy with a backlog: serve drains and ends with 143.
 * Before serve handled the signal itself, ONNX Runtime's own shutdown hook released its native
 * environment under a running forward pass, and the JVM died with SIGSEGV on every such stop.
 */
class ServeStopsUnderLoadIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void sigtermWhileTheModelIsBusyDrainsAndExitsWith143WithoutACrash() throws Exception {
        KafkaConnection kafka = KafkaTestBroker.connection();
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        BenchVersions.publish(store);
        store.promote("bench", 1);
        String input = new PipelineBench(kafka, dir).preload(4000);
        String run = UUID.randomUUID().toString().substring(0, 6);
        String output = "stop-out-" + run;
        List<String> args = List.of(
                "--bootstrap", kafka.bootstrapServers(), "--store", store.root().toString(), "--model", "bench");
        Path log = dir.resolve("serve.log");
        ServeProcess app = ServeProcess.start(
                        List.of(), args, ServeProcess.topics("stop-" + run, input, output, "stop-rel-" + run, dir), log)
                .awaitReady(Duration.ofMinutes(3));
        try (OutputTimeline timeline = new OutputTimeline(kafka, output)) {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (timeline.since(0).size() < 300 && System.nanoTime() < deadline) {
                Blocking.pause(Duration.ofMillis(100));
            }
            assertTrue(timeline.since(0).size() >= 300, "the model is busy with the backlog");
        }
        app.close(); // SIGTERM; throws unless serve ended with 143 after draining

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of(),
                    files.filter(f -> f.getFileName().toString().startsWith("hs_err"))
                            .toList());
        }
    }
}
