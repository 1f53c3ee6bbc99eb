package io.fovea.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.fovea.core.image.RgbImage;
import io.fovea.core.preprocess.ImagePreprocessor;
import io.fovea.core.preprocess.Preprocessing;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
    private final ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.vggImagenetMean(SIDE));

    PlainSession(Path onnxFile) {
        try {
            session =
                    OrtEnvironment.getEnvironment().createSession(onnxFile.toString(), new OrtSession.SessionOptions());
            inputName = session.getInputNames().iterator().next();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load " + onnxFile + ": " + e.getMessage(), e);
        }
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

    private void pass(List<RgbImage> images, float[] input) {
        for (int i = 0; i < images.size(); i++) {
            preprocess(images.get(i), input, i);
        }
        run(input, images.size());
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // nothing more can be freed
        }
    }
}
