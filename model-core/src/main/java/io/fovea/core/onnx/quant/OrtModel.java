package io.fovea.core.onnx.quant;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.fovea.core.image.RgbImage;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model in an ONNX Runtime session for quantizing: calibration runs and the accuracy
 * gate. A model with a fixed batch dimension is fed batches of exactly that size.
 */
final class OrtModel implements AutoCloseable {
    static final int BATCH = 32;

    private final OrtSession session;
    private final String input;
    private final int batch;

    private OrtModel(OrtSession session) throws OrtException {
        this.session = session;
        NodeInfo info = session.getInputInfo().values().iterator().next();
        this.input = info.getName();
        long first = ((TensorInfo) info.getInfo()).getShape()[0];
        this.batch = first > 0 ? Math.toIntExact(first) : BATCH;
    }

    static OrtModel open(byte[] model, OrtSession.SessionOptions.OptLevel level) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(level);
            return new OrtModel(OrtEnvironment.getEnvironment().createSession(model, options));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    /** Images per forward pass. */
    int batch() {
        return batch;
    }

    String firstOutput() {
        return session.getOutputNames().iterator().next();
    }

    /**
     * One forward pass over at most {@link #batch()} images (padded with zeros to it); each
     * requested output flattened, with the padding's share left in: callers slice what they need.
     */
    Map<String, float[]> run(List<RgbImage> images, ModelInput feed, Set<String> outputs) {
        if (images.size() > batch) {
            throw new IllegalArgumentException(images.size() + " images for a batch of " + batch);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor tensor =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(feed.tensor(images, batch)), feed.shape(batch));
                OrtSession.Result result = session.run(Map.of(input, tensor), outputs)) {
            Map<String, float[]> values = new HashMap<>();
            for (Map.Entry<String, OnnxValue> e : result) {
                FloatBuffer buffer = ((OnnxTensor) e.getValue()).getFloatBuffer();
                float[] flat = new float[buffer.remaining()];
                buffer.get(flat);
                values.put(e.getKey(), flat);
            }
            return values;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed a forward pass: " + e.getMessage(), e);
        }
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
