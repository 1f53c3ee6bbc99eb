package io.fovea.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandIT {
    @TempDir
    Path dir;

    private static long row(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s+(\\d+)$").matcher(out);
        assertTrue(m.find(), name + " missing in:\n" + out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void demoStartsItsOwnBrokerAndReadsBackEveryImageItProduced() throws IOException {
        CifarFiles.write(dir.resolve("test_batch.bin"), 30);
        CliRun run = CliRun.of("demo", "--data", dir.toString(), "--limit", "20", "--show", "3");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(20, row(run.out(), "images produced"));
        assertEquals(20, row(run.out(), "image events read back"));
        assertEquals(3, run.out().lines().filter(l -> l.startsWith("IMAGE demo/test_batch.bin#")).count(), run.out());
    }

    @Test
    void demoWithoutDataSaysWhereItLookedAndHowToProvideIt() {
        CliRun run = CliRun.of("demo", "--data", dir.resolve("missing").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--data " + dir.resolve("missing") + ": no such file"), run.err());
    }
}
