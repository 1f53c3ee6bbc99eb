package io.fovea.trainer.data;

import io.fovea.core.image.RgbImage;
import io.fovea.core.preprocess.ImagePreprocessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Minibatches of preprocessed images and one-hot labels, made lazily, optionally shuffled and augmented. */
public final class ImageBatches {
    private final LabelledImages data;
    private final ImagePreprocessor preprocessor;
    private final int numClasses;
    private final int batchSize;
    private final Augmenter augmenter;
    private final Random random;
    private final double labelSmoothing;

    /**
     * @param augmenter      null for none (validation, test, feature extraction)
     * @param labelSmoothing share of each label spread evenly over all classes (training only)
     */
    public ImageBatches(
            LabelledImages data,
            ImagePreprocessor preprocessor,
            int numClasses,
            int batchSize,
            Augmenter augmenter,
            long seed,
            double labelSmoothing) {
        if (labelSmoothing < 0 || labelSmoothing >= 1) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
        this.data = data;
        this.preprocessor = preprocessor;
        this.numClasses = numClasses;
        this.batchSize = batchSize;
        this.augmenter = augmenter;
        this.random = new Random(seed);
    }

    public int size() {
        return data.size();
    }

    /** One pass over the data; a new random order per call when {@code shuffle}. */
    public Iterator<DataSet> epoch(boolean shuffle) {
        List<Integer> order =
                new ArrayList<>(IntStream.range(0, data.size()).boxed().toList());
        if (shuffle) {
            Collections.shuffle(order, random);
        }
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < order.size();
            }

            @Override
            public DataSet next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int end = Math.min(next + batchSize, order.size());
                DataSet batch = batch(order.subList(next, end));
                next = end;
                return batch;
            }
        };
    }

    private DataSet batch(List<Integer> indices) {
        List<RgbImage> images = new ArrayList<>(indices.size());
        INDArray labels = Nd4j.zeros(indices.size(), numClasses).addi(labelSmoothing / numClasses);
        for (int i = 0; i < indices.size(); i++) {
            RgbImage image = data.images().get(indices.get(i));
            images.add(augmenter == null ? image : augmenter.apply(image));
            labels.putScalar(i, data.labels()[indices.get(i)], 1 - labelSmoothing + labelSmoothing / numClasses);
        }
        return new DataSet(preprocessor.toBatch(images), labels);
    }
}
