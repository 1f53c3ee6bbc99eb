package io.fovea.bench;

import io.fovea.avro.PixelFormat;
import io.fovea.core.dataset.CifarBinaryDataset;
import io.fovea.core.dataset.DatasetItem;
import io.fovea.core.image.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The images a benchmark writes to its input topics, taken in turn: random ones, or a labelled
 * set whose labels go with each image so that the predictions read downstream can be scored.
 *
 * @param labels each image's class index, or null when the images have none
 */
record BenchImages(List<RgbImage> images, List<Integer> labels, String description) {
    /** The CIFAR-10 file read for labelled images when a folder is given. */
    static final String TEST_BATCH = "test_batch.bin";

    BenchImages {
        if (images.isEmpty() || (labels != null && labels.size() != images.size())) {
            throw new IllegalArgumentException(
                    images.size() + " images and " + (labels == null ? "no" : labels.size()) + " labels");
        }
    }

    /** {@code n} random 32x32 images without labels, as every benchmark wrote before labelled ones. */
    static BenchImages random(int n, long seed) {
        return new BenchImages(BenchModel.images(n, 32, seed), null, n + " random images, repeated");
    }

    /**
     * The 32x32 RGB images of a CIFAR-10 binary file, or of {@value #TEST_BATCH} in a folder, with
     * their labels.
     *
     * @throws IllegalArgumentException when the path holds no CIFAR-10 batch or its images are not 32x32 RGB
     */
    static BenchImages labelled(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(TEST_BATCH) : path;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a CIFAR-10 binary batch file");
        }
        List<DatasetItem> items = CifarBinaryDataset.open(file).items().toList();
        for (DatasetItem item : items) {
            if (item.width() != 32 || item.height() != 32 || item.format() != PixelFormat.RGB8_CHW) {
                throw new IllegalArgumentException(item.origin() + " is not a 32x32 RGB image");
            }
        }
        return new BenchImages(
                items.stream()
                        .map(item -> new RgbImage(item.width(), item.height(), item.bytes()))
                        .toList(),
                items.stream().map(DatasetItem::label).toList(),
                String.format("the %,d labelled images of %s, in turn", items.size(), file));
    }

    boolean isLabelled() {
        return labels != null;
    }

    RgbImage image(int i) {
        return images.get(i % images.size());
    }

    /** The class index of image {@code i}, or null. */
    Integer label(int i) {
        return labels == null ? null : labels.get(i % labels.size());
    }
}
