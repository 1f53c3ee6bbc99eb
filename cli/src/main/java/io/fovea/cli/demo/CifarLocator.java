package io.fovea.cli.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the CIFAR-10 binary batches: {@code --data}, then {@code $CIFAR10_HOME}, then
 * {@code data/cifar-10-batches-bin} and {@code ../shared/datasets/cifar-10-batches-bin} next to
 * the Fovea checkout.
 */
public final class CifarLocator {
    public static final String ENV = "CIFAR10_HOME";
    static final String TEST_BATCH = "test_batch.bin";

    private CifarLocator() {}

    /** The test batch, downloading the dataset into {@code data/} beside Fovea when it is nowhere. */
    public static Path testBatchOrDownload(Path explicit, String env, Path foveaHome, CifarDownload download) {
        try {
            return testBatch(explicit, env, foveaHome);
        } catch (IllegalArgumentException notFound) {
            if (explicit != null) {
                throw notFound;
            }
            return download.into(foveaHome.resolve("data")).resolve(TEST_BATCH);
        }
    }

    /** The test batch file, or an error that says where it looked and how to provide it. */
    public static Path testBatch(Path explicit, String env, Path foveaHome) {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(explicit).ifPresent(candidates::add);
        Optional.ofNullable(env).filter(s -> !s.isBlank()).map(Path::of).ifPresent(candidates::add);
        candidates.add(foveaHome.resolve("data/cifar-10-batches-bin"));
        candidates.add(
                foveaHome.resolve("../shared/datasets/cifar-10-batches-bin").normalize());
        for (Path candidate : candidates) {
            Path file = Files.isDirectory(candidate) ? candidate.resolve(TEST_BATCH) : candidate;
            if (Files.isRegularFile(file)) {
                return file;
            }
            if (candidate == explicit) {
                throw new IllegalArgumentException(
                        "--data " + explicit + ": no such file, nor a folder holding " + TEST_BATCH);
            }
        }
        throw new IllegalArgumentException("CIFAR-10 not found; looked in " + candidates
                + ". Extract the official cifar-10-binary.tar.gz and pass --data DIR or set " + ENV + "=DIR.");
    }
}
