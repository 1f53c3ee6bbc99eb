package io.fovea.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.Json;
import io.fovea.core.image.RgbImage;
import io.fovea.core.preprocess.ImagePreprocessor;
import io.fovea.core.preprocess.Preprocessing;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@code model.onnx} in an ONNX Runtime session with the session's defaults (its own thread
 * pool, spinning, weights prepacked), as a user who has never read Fovea's settings opens one:
 * the plain loop's model, and its model alone.
 */
final class PlainSession implements AutoCloseable {
    static final int SIDE = 32;
    static final int PER_IMAGE = 3 * SIDE * SIDE;

    private final OrtSession session;
    private final String inputName;
    /** The threads of {@link #imagesPerSecond(int, double, int)}, made at its first call. */
    private ExecutorService threads;

    private int threadCount;

    /** The normalisation the model was trained with, as a user's loop hard-codes its own model's. */
    private final ImagePreprocessor preprocessor;

    PlainSession(Path onnxFile) {
        this(onnxFile, 0);
    }

    /** The same with {@code threads} intra-op threads of its own (0: ONNX Runtime's default, one per core). */
    PlainSession(Path onnxFile, int threads) {
        preprocessor = new ImagePreprocessor(preprocessing(onnxFile));
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            session = OrtEnvironment.getEnvironment().createSession(onnxFile.toString(), options);
            inputName = session.getInputNames().iterator().next();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load " + onnxFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * The preprocessing the manifest beside the model file records (the version's folder), or the
     * VGG ImageNet mean the bench's own VGG16 uses without one.
     */
    static Preprocessing preprocessing(Path onnxFile) {
        Path manifest = onnxFile.toAbsolutePath().resolveSibling(BundleManifest.FILE_NAME);
        if (!Files.exists(manifest)) {
            return Preprocessing.vggImagenetMean(SIDE);
        }
        return fitting(Json.read(manifest, BundleManifest.class).preprocessing(), onnxFile.toString());
    }

    /** {@code recorded}, the preprocessing of {@code model}, if it takes the images this session feeds. */
    static Preprocessing fitting(Preprocessing recorded, String model) {
        if (recorded.inputSize() != SIDE) {
            throw new IllegalArgumentException(model + " takes " + recorded.inputSize() + "x" + recorded.inputSize()
                    + " images; the plain loop and bench pipeline feed " + SIDE + "x" + SIDE);
        }
        return recorded;
    }

    /** Writes one image, preprocessed, as image {@code i} of {@code batch}. */
    void preprocess(RgbImage image, float[] batch, int i) {
        preprocessor.writeInto(image, batch, i * PER_IMAGE);
    }

    /** Class probabilities of the first {@code n} images of {@code batch}. */
    float[][] run(float[] batch, int n) {
        try (OnnxTensor tensor = OnnxTensor.createTensor(
                        OrtEnvironment.getEnvironment(),
                        FloatBuffer.wrap(batch, 0, n * PER_IMAGE),
                        new long[] {n, 3, SIDE, SIDE});
                OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            return (float[][]) result.get(0).getValue();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed a forward pass: " + e.getMessage(), e);
        }
    }

    /** Images per second of preprocessing and forward passes of {@code batch} images, over about {@code seconds}. */
    double imagesPerSecond(int batch, double seconds) {
        List<RgbImage> images = BenchModel.images(batch, SIDE, batch);
        float[] input = new float[batch * PER_IMAGE];
        for (int i = 0; i < 3; i++) {
            pass(images, input);
        }
        long start = System.nanoTime();
        long done = 0;
        while (System.nanoTime() - start < seconds * 1e9) {
            pass(images, input);
            done += batch;
        }
        return done / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * The same with {@code passes} threads each running passes of their own at once, on this one
     * session. The threads live as long as the session, so that the kernel's count of their CPU
     * is still there when the measurement reads it.
     */
    double imagesPerSecond(int batch, double seconds, int passes) {
        List<RgbImage> images = BenchModel.images(batch, SIDE, batch);
        if (threads == null || threadCount != passes) {
            if (threads != null) {
                threads.shutdownNow();
            }
            threads = Executors.newFixedThreadPool(passes, r -> new Thread(r, "bench-pass"));
            threadCount = passes;
        }
        LongAdder done = new LongAdder();
        long[] start = new long[1];
        CyclicBarrier warm = new CyclicBarrier(passes, () -> start[0] = System.nanoTime());
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < passes; t++) {
            running.add(threads.submit(() -> {
                float[] input = new float[batch * PER_IMAGE];
                for (int i = 0; i < 3; i++) {
                    pass(images, input);
                }
                warm.await();
                while (System.nanoTime() - start[0] < seconds * 1e9) {
                    pass(images, input);
                    done.add(batch);
                }
                return null;
            }));
        }
        for (Future<?> pass : running) {
            try {
                pass.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a pass failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
        return done.sum() / ((System.nanoTime() - start[0]) / 1e9);
    }

    private void pass(List<RgbImage> images, float[] input) {
        for (int i = 0; i < images.size(); i++) {
            preprocess(images.get(i), input, i);
        }
        run(input, images.size());
    }

    @Override
    public void close() {
        if (threads != null) {
            threads.shutdownNow();
        }
        try {
            session.close();
        } catch (OrtException e) {
            // nothing more can be freed
        }
    }
}
