package io.fovea.trainer;

import io.fovea.core.runtime.NativeBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Small CIFAR-style data sets written by tests, and the train command run in-process. */
public final class TrainerFixtures {
    static final int RECORD = 3073;

    static {
        System.setProperty("java.awt.headless", "true");
        NativeBackend.configure();
    }

    private TrainerFixtures() {}

    /** Ensures the fast ND4J build is chosen before any test touches ND4J. */
    public static void init() {
        // the static initializer did the work
    }

    /**
     * A learnable toy problem in the CIFAR-10 binary layout: class k images are mostly one of ten
     * distinct colours, plus noise, so even one epoch separates them.
     */
    public static Path cifarBatch(Path file, int records, long seed) throws IOException {
        java.util.Random random = new java.util.Random(seed);
        byte[] bytes = new byte[records * RECORD];
        for (int i = 0; i < records; i++) {
            int label = i % 10;
            bytes[i * RECORD] = (byte) label;
            int[] rgb = {(label * 70) % 256, (label * 130 + 40) % 256, (label * 200 + 90) % 256};
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 1024; p++) {
                    bytes[i * RECORD + 1 + c * 1024 + p] =
                            (byte) Math.max(0, Math.min(255, rgb[c] + random.nextInt(41) - 20));
                }
            }
        }
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    /** CIFAR folder with data_batch_1.bin (train) and test_batch.bin. */
    public static Path cifarFolder(Path dir, int train, int test) throws IOException {
        cifarBatch(dir.resolve("data_batch_1.bin"), train, 1);
        cifarBatch(dir.resolve("test_batch.bin"), test, 2);
        return dir;
    }

    public record Run(int exitCode, String out, String err) {}

    public static Run train(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new TrainCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(e.getMessage());
            return 2;
        });
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
