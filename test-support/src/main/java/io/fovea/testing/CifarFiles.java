package io.fovea.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small CIFAR-10 binary batches written by tests: record i has label i % 10 and pixel bytes (i + j) % 256. */
public final class CifarFiles {
    public static final int RECORD = 3073;

    public static Path write(Path file, int records) throws IOException {
        byte[] bytes = new byte[records * RECORD];
        for (int i = 0; i < records; i++) {
            bytes[i * RECORD] = (byte) (i % 10);
            for (int j = 0; j < RECORD - 1; j++) {
                bytes[i * RECORD + 1 + j] = (byte) (i + j);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, bytes);
    }

    private CifarFiles() {}
}
