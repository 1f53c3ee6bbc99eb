package io.fovea.core.dataset;

import io.fovea.avro.PixelFormat;

/**
 * One image of a dataset, as stored: raw CHW bytes for CIFAR-10 binary batches, the original file
 * bytes for PNG and JPEG, so a producer can send it without re-encoding.
 *
 * @param origin where it came from, e.g. {@code test_batch.bin#42} or {@code cat/0001.png}
 * @param label class index in the dataset's label list
 */
public record DatasetItem(
        String origin, int label, int width, int height, int channels, PixelFormat format, byte[] bytes) {}
