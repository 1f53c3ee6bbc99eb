package io.fovea.stream.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How ONNX Runtime sessions are made in this process: the execution provider ({@code cpu},
 * {@code cuda} or {@code tensorrt}), the GPU to use, and the CPU threads of one forward pass. A
 * provider that cannot start is an error naming it and what it needs, never a silent fall back
 * to the CPU.
 *
 * @param threads intra-op threads; 0 lets ONNX Runtime use one per core
 */
public record OnnxSessions(String provider, int device, int threads) {
    public static final String CPU = "cpu";
    public static final String CUDA = "cuda";
    public static final String TENSORRT = "tensorrt";

    public OnnxSessions {
        provider = provider.trim().toLowerCase(Locale.ROOT);
        if (!provider.equals(CPU) && !provider.equals(CUDA) && !provider.equals(TENSORRT)) {
            throw new IllegalArgumentException(
                    "onnx execution provider must be cpu, cuda or tensorrt, got '" + provider + "'");
        }
    }

    public static OnnxSessions cpu() {
        return new OnnxSessions(CPU, 0, 0);
    }

    /** A session of the model in {@code file}; the caller owns it and closes it. */
    OrtSession open(Path file) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            addProvider(options);
            return env.createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    private void addProvider(OrtSession.SessionOptions options) {
        try {
            switch (provider) {
                case CUDA -> options.addCUDA(device);
                case TENSORRT -> options.addTensorrt(device);
                default -> {
                    // the CPU provider is always there
                }
            }
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            throw new IllegalStateException(
                    "ONNX Runtime's " + provider + " execution provider cannot start on device "
                            + device + ": " + e.getMessage() + ". It needs the GPU build (build with mvn -Pgpu, which"
                            + " ships onnxruntime_gpu), an NVIDIA driver, CUDA 12 and cuDNN 9"
                            + (provider.equals(TENSORRT) ? ", and TensorRT 10" : "")
                            + " (docs/operations.md, \"Backends\"); or set onnx.execution.provider=cpu",
                    e);
        }
    }
}
