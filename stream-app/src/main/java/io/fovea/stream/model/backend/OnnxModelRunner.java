package io.fovea.stream.model.backend;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.image.RgbImage;
import io.fovea.stream.model.Probabilities;
import io.fovea.stream.model.ProbeBatch;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A bundle's ONNX model in an ONNX Runtime session, with the bundle's own preprocessing. The
 * session owns native memory and is closed with the runner. A model whose batch dimension is
 * fixed runs every forward pass at that size: larger batches in chunks, the last padded.
 */
public final class OnnxModelRunner extends BundleRunner {
    private final ModelFormat onnx;
    private final OrtSession session;
    private final String inputName;
    /** 0 when the model takes any batch size. */
    private final int fixedBatch;

    private OnnxModelRunner(
            BundleManifest manifest, ModelFormat onnx, OrtSession session, String inputName, int fixedBatch) {
        super(manifest);
        this.onnx = onnx;
        this.session = session;
        this.inputName = inputName;
        this.fixedBatch = fixedBatch;
    }

    /** Opens the bundle's ONNX model, checks its signature against the manifest, and runs the probe batch. */
    public static OnnxModelRunner checked(VerifiedBundle bundle, OnnxSessions sessions) {
        return ProbeBatch.checked(open(bundle, sessions), bundle.manifest().inputSize());
    }

    /** The bundle's {@code onnx} model (its fp32 one, or its int8 one) opened, checked and probed. */
    public static OnnxModelRunner checked(VerifiedBundle bundle, OnnxSessions sessions, ModelFormat onnx) {
        return ProbeBatch.checked(
                open(bundle, sessions, onnx), bundle.manifest().inputSize());
    }

    /** Opens the bundle's ONNX model and checks its signature against the manifest; no probe yet. */
    static OnnxModelRunner open(VerifiedBundle bundle, OnnxSessions sessions) {
        BundleManifest manifest = bundle.manifest();
        ModelFormat onnx = manifest.model(ModelFormat.ONNX)
                .orElseThrow(() -> new IllegalStateException(manifest.name() + "@" + manifest.version()
                        + " holds no ONNX model; serve it with model.backend=dl4j or add one: bin/fovea models export "
                        + manifest.name() + "@" + manifest.version()));
        return open(bundle, sessions, onnx);
    }

    /** Opens the bundle's {@code onnx} model and checks its signature against the manifest; no probe yet. */
    static OnnxModelRunner open(VerifiedBundle bundle, OnnxSessions sessions, ModelFormat onnx) {
        BundleManifest manifest = bundle.manifest();
        // checked and loaded from the same bytes: nothing can change in between
        OrtSession session = sessions.open(
                bundle.file(onnx.file()),
                bundle.source() + "/" + onnx.file(),
                ModelFormat.ONNX_INT8.equals(onnx.format()));
        try {
            return signature(manifest, onnx, session);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /** One float image input of the declared layout and size, one output: else a clear refusal. */
    private static OnnxModelRunner signature(BundleManifest manifest, ModelFormat onnx, OrtSession session) {
        String who = manifest.name() + "@" + manifest.version() + " refused: ";
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            if (inputs.size() != 1 || outputs.size() != 1) {
                throw new IllegalStateException(who + "the model must have one input and one output, it has inputs "
                        + inputs.keySet() + " and outputs " + outputs.keySet());
            }
            NodeInfo input = inputs.values().iterator().next();
            if (!(input.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
                throw new IllegalStateException(
                        who + "input " + input.getName() + " is " + input.getInfo() + ", not a float tensor");
            }
            long[] shape = tensor.getShape();
            int s = manifest.inputSize();
            long[] expected = onnx.channelsLast() ? new long[] {-1, s, s, 3} : new long[] {-1, 3, s, s};
            boolean fits = shape.length == 4;
            for (int d = 1; fits && d < 4; d++) {
                fits = shape[d] < 0 || shape[d] == expected[d];
            }
            if (!fits) {
                throw new IllegalStateException(
                        who + "input " + input.getName() + " has shape " + Arrays.toString(shape)
                                + "; a " + onnx.input() + " image of " + s + "x" + s + " needs [batch, "
                                + (onnx.channelsLast() ? s + ", " + s + ", 3]" : "3, " + s + ", " + s + "]")
                                + " (check --layout and --input-size)");
            }
            NodeInfo output = outputs.values().iterator().next();
            if (output.getInfo() instanceof TensorInfo out) {
                long[] outShape = out.getShape();
                int labels = manifest.labels().size();
                if (outShape.length != 2 || (outShape[1] >= 0 && outShape[1] != labels)) {
                    throw new IllegalStateException(who + "output " + output.getName() + " has shape "
                            + Arrays.toString(outShape) + ", but there are " + labels + " labels: [batch, " + labels
                            + "] is needed");
                }
            }
            int fixedBatch = shape[0] > 0 ? Math.toIntExact(shape[0]) : 0;
            return new OnnxModelRunner(manifest, onnx, session, input.getName(), fixedBatch);
        } catch (OrtException e) {
            throw new IllegalStateException(who + "cannot read the model's inputs and outputs: " + e.getMessage(), e);
        }
    }

    /** The model it runs: the bundle's fp32 ONNX model or its int8 one. */
    public ModelFormat format() {
        return onnx;
    }

    /** The batch size every forward pass runs at, or 0 when the model takes any. */
    public int fixedBatch() {
        return fixedBatch;
    }

    /** ONNX Runtime's sessions take concurrent runs, and a pass here keeps nothing between calls. */
    @Override
    public boolean concurrentPasses() {
        return true;
    }

    @Override
    public Probabilities predict(List<RgbImage> images) {
        int labels = labels().size();
        float[] rows = new float[images.size() * labels];
        int step = fixedBatch > 0 ? fixedBatch : Math.max(1, images.size());
        for (int from = 0; from < images.size(); from += step) {
            List<RgbImage> chunk = images.subList(from, Math.min(images.size(), from + step));
            float[] out = run(chunk, fixedBatch > 0 ? fixedBatch : chunk.size(), labels);
            // a padded pass's extra rows stay behind
            System.arraycopy(out, 0, rows, from * labels, chunk.size() * labels);
        }
        if (onnx.logits()) {
            for (int row = 0; row < images.size(); row++) {
                softmaxInPlace(rows, row * labels, labels);
            }
        }
        return new Probabilities(images.size(), labels, rows);
    }

    /** One forward pass of {@code batch} images, the first {@code images.size()} real, the rest zeros. */
    private float[] run(List<RgbImage> images, int batch, int labels) {
        int s = manifest().inputSize();
        int perImage = 3 * s * s;
        float[] chw = new float[batch * perImage];
        for (int i = 0; i < images.size(); i++) {
            preprocessor().writeInto(images.get(i), chw, i * perImage);
        }
        float[] input = onnx.channelsLast() ? toChannelsLast(chw, batch, s) : chw;
        long[] shape = onnx.channelsLast() ? new long[] {batch, s, s, 3} : new long[] {batch, 3, s, s};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
                OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            FloatBuffer values = out.getFloatBuffer();
            if (values.remaining() != batch * labels) {
                throw new IllegalStateException(name() + "@" + version() + " gave " + values.remaining()
                        + " values for " + batch + " images and " + labels + " labels");
            }
            float[] flat = new float[batch * labels];
            values.get(flat);
            return flat;
        } catch (OrtException e) {
            throw new IllegalStateException(
                    name() + "@" + version() + ": ONNX Runtime failed a forward pass: " + e.getMessage(), e);
        }
    }

    private static float[] toChannelsLast(float[] chw, int batch, int s) {
        float[] hwc = new float[chw.length];
        int plane = s * s;
        for (int b = 0; b < batch; b++) {
            int base = b * 3 * plane;
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < plane; p++) {
                    hwc[base + p * 3 + c] = chw[base + c * plane + p];
                }
            }
        }
        return hwc;
    }

    /** Softmax over {@code length} logits from {@code from}: one row of a pass's output. */
    static void softmaxInPlace(float[] logits, int from, int length) {
        int to = from + length;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            logits[i] = (float) Math.exp(logits[i] - max);
            sum += logits[i];
        }
        for (int i = from; i < to; i++) {
            logits[i] = (float) (logits[i] / sum);
        }
    }

    /** Frees the session's native memory: weights, arena and threads. */
    @Override
    public void close() {
        closeQuietly(session);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // nothing more can be freed
        }
    }
}
