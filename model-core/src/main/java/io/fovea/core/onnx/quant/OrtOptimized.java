package io.fovea.core.onnx.quant;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model as ONNX Runtime's graph optimizer leaves it, read back from the file the session
 * writes ({@code SessionOptions.setOptimizedModelFilePath}). At the basic level: constants
 * folded, BatchNormalization folded into the Conv before it, MatMul+Add made Gemm, all in
 * standard ONNX ops, which is what the quantizer starts from. At every level: what serving runs,
 * where QDQ groups must have become QLinearConv, QGemm and the like.
 */
public final class OrtOptimized {
    private OrtOptimized() {}

    static OnnxMl.ModelProto basic(byte[] model) {
        return optimized(model, OrtSession.SessionOptions.OptLevel.BASIC_OPT);
    }

    /** How many nodes of each op type ONNX Runtime runs for this model, after all its optimizations. */
    public static Map<String, Integer> opCounts(byte[] model) {
        Map<String, Integer> counts = new TreeMap<>();
        optimized(model, OrtSession.SessionOptions.OptLevel.ALL_OPT)
                .getGraph()
                .getNodeList()
                .forEach(n -> counts.merge(n.getOpType(), 1, Integer::sum));
        return counts;
    }

    private static OnnxMl.ModelProto optimized(byte[] model, OrtSession.SessionOptions.OptLevel level) {
        Path file = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            file = Files.createTempFile("fovea-optimized-", ".onnx");
            options.setOptimizationLevel(level);
            options.setOptimizedModelFilePath(file.toString());
            // the file is read for its op types only: the warning that it is not portable is not for us
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            OrtEnvironment.getEnvironment().createSession(model, options).close();
            return OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX Runtime's optimized model: " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }
}
