package io.fovea.trainer.data;

import io.fovea.core.bundle.Sha256;
import io.fovea.core.dataset.CifarBinaryDataset;
import io.fovea.core.dataset.Dataset;
import io.fovea.core.dataset.DatasetException;
import io.fovea.core.dataset.DatasetItem;
import io.fovea.core.image.ImageDecoder;
import io.fovea.core.image.InvalidImageException;
import io.fovea.core.image.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Reads the training, validation and test sets. For a CIFAR-10 folder the training data is
 * {@code data_batch_*.bin} and the test data {@code test_batch.bin}; training on the test batch
 * is refused. Every problem is reported with the file it concerns, before anything is trained.
 */
public final class TrainingDataLoader {
    static final String CIFAR_TEST_BATCH = "test_batch.bin";
    private static final long MAX_PIXELS = 4096L * 4096;

    private final ImageDecoder decoder = new ImageDecoder(MAX_PIXELS);

    /**
     * @param testPath     test set; null means CIFAR-10's test batch beside the training batches, if any
     * @param limit        use at most this many training images (chosen at random with the seed)
     * @param testLimit    evaluate on at most this many test images (the first ones)
     */
    public TrainingData load(
            Path dataPath, Path testPath, double validationFraction, int limit, int testLimit, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction must be between 0 and 1, got " + validationFraction);
        }
        Dataset trainSet = openTraining(dataPath);
        if (trainSet.labels().size() < 2) {
            throw new DatasetException(
                    dataPath, "has only one class (" + trainSet.labels().get(0) + "); a classifier needs at least two");
        }
        Path testSource = testPath != null ? testPath : defaultTestBatch(dataPath);
        Dataset testSet = testSource == null ? null : Dataset.open(testSource);
        if (testSet != null && !testSet.labels().equals(trainSet.labels())) {
            throw new DatasetException(
                    testSource, "has classes " + testSet.labels() + " but the training data has " + trainSet.labels());
        }

        LabelledImages all = read(trainSet, Integer.MAX_VALUE, dataPath);
        int[] order = shuffled(all.size(), seed);
        int used = Math.min(limit, all.size());
        int validationSize = Math.max(1, (int) Math.round(used * validationFraction));
        if (used - validationSize < 1) {
            throw new DatasetException(dataPath, "has too few images (" + used + ") to split off a validation set");
        }
        LabelledImages validation = all.subset(Arrays.copyOfRange(order, 0, validationSize));
        LabelledImages train = all.subset(Arrays.copyOfRange(order, validationSize, used));
        LabelledImages test = testSet == null ? null : read(testSet, testLimit, testSource);

        Map<String, Object> description = new LinkedHashMap<>();
        description.put("source", dataPath.toAbsolutePath().toString());
        description.put("sha256", Sha256.of(sourceFiles(dataPath, trainSet)));
        description.put("train_images", train.size());
        description.put("validation_images", validation.size());
        description.put(
                "test_source",
                testSource == null ? null : testSource.toAbsolutePath().toString());
        description.put("test_images", test == null ? 0 : test.size());
        description.put("split_seed", seed);
        return new TrainingData(train, validation, test, trainSet.labels(), description);
    }

    private static Dataset openTraining(Path dataPath) {
        if (!Files.exists(dataPath)) {
            throw new DatasetException(dataPath, "does not exist");
        }
        if (Files.isRegularFile(dataPath) && dataPath.getFileName().toString().equals(CIFAR_TEST_BATCH)) {
            throw new DatasetException(dataPath, "is the held-out test batch; train on data_batch_*.bin");
        }
        if (Files.isDirectory(dataPath)
                && !CifarBinaryDataset.batchFiles(dataPath).isEmpty()) {
            List<Path> trainFiles = CifarBinaryDataset.batchFiles(dataPath).stream()
                    .filter(p -> !p.getFileName().toString().equals(CIFAR_TEST_BATCH))
                    .toList();
            if (trainFiles.isEmpty()) {
                throw new DatasetException(dataPath, "has no training batches (data_batch_*.bin), only the test batch");
            }
            return CifarBinaryDataset.of(trainFiles);
        }
        return Dataset.open(dataPath);
    }

    private static Path defaultTestBatch(Path dataPath) {
        Path candidate = Files.isDirectory(dataPath) ? dataPath.resolve(CIFAR_TEST_BATCH) : null;
        return candidate != null && Files.isRegularFile(candidate) ? candidate : null;
    }

    private LabelledImages read(Dataset dataset, int limit, Path root) {
        List<RgbImage> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (Stream<DatasetItem> items = dataset.items().limit(limit)) {
            items.forEach(item -> {
                images.add(decode(item, root));
                labels.add(item.label());
            });
        }
        return new LabelledImages(
                images, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private RgbImage decode(DatasetItem item, Path root) {
        try {
            return decoder.decode(item.format(), item.width(), item.height(), item.channels(), item.bytes());
        } catch (InvalidImageException e) {
            Path file = Files.isDirectory(root) ? root.resolve(item.origin()) : root;
            throw new DatasetException(file, "unreadable image: " + e.getMessage(), e);
        }
    }

    private static int[] shuffled(int n, long seed) {
        List<Integer> indices = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        Collections.shuffle(indices, new Random(seed));
        return indices.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Path[] sourceFiles(Path dataPath, Dataset dataset) {
        if (dataset instanceof CifarBinaryDataset cifar) {
            return cifar.files().toArray(Path[]::new);
        }
        try (Stream<Path> files = Files.walk(dataPath)) {
            return files.filter(Files::isRegularFile).sorted().toArray(Path[]::new);
        } catch (IOException e) {
            throw new DatasetException(dataPath, "cannot list: " + e.getMessage(), e);
        }
    }
}
