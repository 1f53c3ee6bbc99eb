package io.fovea.stream;

import io.fovea.core.image.RgbImage;
import io.fovea.stream.model.ModelRunner;
import io.fovea.stream.model.Probabilities;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;

/**
 * A model whose answer can be read off the image: class = first red pixel value % classes, with
 * probability 0.7, the next class 0.2 and the rest sharing 0.1. Records every batch size it saw.
 */
public final class FakeModel implements ModelRunner {
    public static final List<String> LABELS = List.of("zero", "one", "two", "three");
    private final int version;
    public final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    public volatile boolean fail;
    /** Images of the classes it holds get a row of NaN, as a model whose weights overflowed gives. */
    public volatile IntPredicate nanFor = c -> false;
    /** How long each forward pass takes, so that batches stay in flight a while. */
    public volatile long passMillis;
    /** Whether it says it takes two passes at once, as ONNX Runtime does. */
    public volatile boolean concurrent;

    public volatile boolean closed;

    public FakeModel(int version) {
        this.version = version;
    }

    public static int classOf(RgbImage image) {
        return image.at(0, 0, 0) % LABELS.size();
    }

    @Override
    public boolean concurrentPasses() {
        return concurrent;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public int version() {
        return version;
    }

    @Override
    public List<String> labels() {
        return LABELS;
    }

    @Override
    public Probabilities predict(List<RgbImage> images) {
        if (fail) {
            throw new IllegalStateException("the fake model was told to fail");
        }
        batchSizes.add(images.size());
        if (passMillis > 0) {
            try {
                Thread.sleep(passMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int n = LABELS.size();
        float[][] rows = new float[images.size()][n];
        for (int i = 0; i < images.size(); i++) {
            int c = classOf(images.get(i));
            for (int j = 0; j < n; j++) {
                rows[i][j] = 0.1f / (n - 2);
            }
            rows[i][c] = 0.7f;
            rows[i][(c + 1) % n] = 0.2f;
            if (nanFor.test(c)) {
                java.util.Arrays.fill(rows[i], Float.NaN);
            }
        }
        return Probabilities.of(rows);
    }

    @Override
    public void close() {
        closed = true;
    }
}
