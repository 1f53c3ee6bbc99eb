package io.fovea.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.testing.CifarFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        System.setProperty("java.awt.headless", "true");
        NativeBackend.configure();
    }

    private static long row(String out, String name) {
        Matcher m = Pattern.compile("(?m)^\\| " + Pattern.quote(name) + " \\| (\\d+)")
                .matcher(out);
        assertTrue(m.find(), name + " missing in:\n" + out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void demoTrainsTwoVersionsServesStreamsAndItsSummaryAddsUp() throws IOException {
        Path cifar = dir.resolve("cifar");
        CifarFiles.write(cifar.resolve("data_batch_1.bin"), 120);
        CifarFiles.write(cifar.resolve("test_batch.bin"), 80);
        Path store = dir.resolve("store");

        CliRun run = CliRun.of("demo", "--data", cifar.toString(), "--store", store.toString(), "--limit", "60");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(2, new DirectoryModelStore(store).versions("cifar10").size(), "two versions trained");
        long streamed = row(run.out(), "images streamed");
        long classified = row(run.out(), "images classified");
        long dead = row(run.out(), "dead letters");
        assertEquals(60, streamed);
        assertEquals(streamed, classified + dead, run.out());
        Matcher perVersion = Pattern.compile("(?m)^\\| accuracy of cifar10@\\d+ \\| [0-9.]+ over (\\d+) images")
                .matcher(run.out());
        long sum = 0;
        while (perVersion.find()) {
            sum += Long.parseLong(perVersion.group(1));
        }
        assertEquals(classified, sum, "every prediction is counted under the version that made it");
        assertTrue(run.out().contains("is promoted halfway"), run.out());
    }

    @Test
    void demoWithoutDataSaysWhereItLookedAndHowToProvideIt() {
        CliRun run = CliRun.of("demo", "--data", dir.resolve("missing").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--data " + dir.resolve("missing") + ": no such file"), run.err());
    }
}
