package io.fovea.core.onnx.quant;

import io.fovea.core.dataset.CifarBinaryDataset;
import io.fovea.core.dataset.Dataset;
import io.fovea.core.dataset.DatasetItem;
import io.fovea.core.image.ImageDecoder;
import io.fovea.core.image.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The images a quantization sees: calibration images from training data only, and the test
 * images of the accuracy gate, with their labels when the test set's classes are the model's
 * (same names, same order); otherwise the gate has no labels and measures agreement alone.
 *
 * @param testLabels null when the test set's classes are not the model's
 */
public record QuantizationData(List<RgbImage> calibration, List<RgbImage> test, int[] testLabels) {
    private static final long MAX_PIXELS = 4096L * 4096;

    /** A CIFAR-10 folder's training batches, never {@code test_batch.bin}; any other dataset as it is. */
    public static Dataset trainingImages(Path data) {
        if (Files.isDirectory(data) && !CifarBinaryDataset.batchFiles(data).isEmpty()) {
            List<Path> training = CifarBinaryDataset.batchFiles(data).stream()
                    .filter(p -> p.getFileName().toString().startsWith("data_batch"))
                    .toList();
            if (training.isEmpty()) {
                throw new IllegalArgumentException(
                        data + " holds no data_batch_*.bin training batches to calibrate on");
            }
            return CifarBinaryDataset.of(training);
        }
        return Dataset.open(data);
    }

    /** A CIFAR-10 folder's {@code test_batch.bin}, or the dataset at {@code test} as it is. */
    public static Dataset testImages(Path test) {
        Path batch = test.resolve("test_batch.bin");
        return Files.isDirectory(test) && Files.isRegularFile(batch)
                ? CifarBinaryDataset.open(batch)
                : Dataset.open(test);
    }

    /**
     * @param calibrationCount images from the start of the training data (CIFAR-10's are in no order)
     * @param testLimit the gate's images, from the start of the test data
     */
    public static QuantizationData load(
            Dataset training, Dataset test, List<String> modelLabels, int calibrationCount, int testLimit) {
        List<RgbImage> calibration = new ArrayList<>();
        read(training, calibrationCount, calibration, null);
        return withTest(calibration, test, modelLabels, testLimit);
    }

    /** A test set alone, to measure a quantized model again where it runs: no calibration images. */
    public static QuantizationData testOnly(Path test, List<String> modelLabels, int testLimit) {
        return withTest(List.of(), testImages(test), modelLabels, testLimit);
    }

    private static QuantizationData withTest(
            List<RgbImage> calibration, Dataset test, List<String> modelLabels, int testLimit) {
        List<RgbImage> testImages = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        read(test, testLimit, testImages, labels);
        boolean sameClasses = test.labels().equals(modelLabels);
        return new QuantizationData(
                calibration,
                testImages,
                sameClasses ? labels.stream().mapToInt(Integer::intValue).toArray() : null);
    }

    private static void read(Dataset dataset, int limit, List<RgbImage> images, List<Integer> labels) {
        ImageDecoder decoder = new ImageDecoder(MAX_PIXELS);
        try (Stream<DatasetItem> items = dataset.items()) {
            items.limit(limit).forEach(item -> {
                images.add(decoder.decode(item.format(), item.width(), item.height(), item.channels(), item.bytes()));
                if (labels != null) {
                    labels.add(item.label());
                }
            });
        }
    }
}
