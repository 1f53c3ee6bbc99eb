package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.store.DirectoryModelStore;
import io.fovea.testing.KafkaTestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** bench pipeline refuses a model or images it cannot run before it runs anything, and says why. */
class PipelineBenchRefusalIT {
    @TempDir
    Path dir;

    @Test
    void imagesThatAreNotACifarBatchAreRefusedByName() {
        Result result = run("pipeline", "--images", dir.toString());

        assertEquals(CommandLine.ExitCode.USAGE, result.code());
        assertTrue(
                result.err().contains(dir.resolve(BenchImages.TEST_BATCH) + " is not a CIFAR-10 binary batch file"),
                result.err());
        assertFalse(result.err().contains("bench failed"), "nothing ran, so no files are kept: " + result.err());
    }

    @Test
    void aVersionWithoutAnInt8ModelIsRefusedAtInt8() {
        BenchVersions.publish(new DirectoryModelStore(dir));

        Result result = run("pipeline", "--model", "bench@1", "--store", dir.toString(), "--precision", "fp32,int8");

        assertEquals(CommandLine.ExitCode.USAGE, result.code());
        assertTrue(result.err().contains("models quantize bench@1"), result.err());
        assertFalse(result.out().contains("| pipeline, batch"), "no row ran");
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--bootstrap";
        all[args.length + 1] = KafkaTestBroker.bootstrapServers();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(all);
        return new Result(code, out.toString(), err.toString());
    }
}
