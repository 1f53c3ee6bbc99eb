package io.fovea.core.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Class names. CIFAR-10's are the default when a batch folder has no {@code batches.meta.txt}. */
public final class ClassLabels {
    public static final List<String> CIFAR10 =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private ClassLabels() {}

    /** Reads one name a line, skipping blank lines, as in CIFAR-10's {@code batches.meta.txt}. */
    public static List<String> read(Path file) {
        try {
            List<String> names = Files.readAllLines(file).stream()
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
            if (names.isEmpty()) {
                throw new DatasetException(file, "has no class names");
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class names from " + file, e);
        }
    }
}
