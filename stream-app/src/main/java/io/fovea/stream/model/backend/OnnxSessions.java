package io.fovea.stream.model.backend;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
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

    /**
     * As configured: {@code onnx.execution.provider}, {@code onnx.device} and {@code onnx.threads};
     * threads 0 with several {@code inference.passes} at once gives each pass its share of the cores,
     * so that passes running together do not take more threads than there are cores.
     */
    public static OnnxSessions of(BackendSettings settings) {
        int threads = settings.getInt("onnx.threads", 0);
        int passes = Math.max(1, settings.getInt("inference.passes", 1));
        if (threads == 0 && passes > 1) {
            threads = Math.max(1, Runtime.getRuntime().availableProcessors() / passes);
        }
        return new OnnxSessions(
                settings.get("onnx.execution.provider", CPU), settings.getInt("onnx.device", 0), threads);
    }

    private static OrtEnvironment environment;
    private static boolean sharedPool;

    /**
     * The process's one ONNX Runtime environment, with one pool of threads every session shares,
     * so a hot-swap starts no threads. The first caller sets the pool's size. If something else in
     * the process made the environment first, sessions keep pools of their own.
     */
    private static synchronized OrtEnvironment environment(int threads) throws OrtException {
        if (environment == null) {
            try (OrtEnvironment.ThreadingOptions pool = new OrtEnvironment.ThreadingOptions()) {
                pool.setGlobalIntraOpNumThreads(
                        threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
                pool.setGlobalInterOpNumThreads(1);
                // Idle pool threads sleep instead of spinning: between passes the cores are Kafka's,
                // and the model alone keeps its speed (docs/benchmarks.md, "Backends").
                pool.setGlobalSpinControl(false);
                environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "fovea", pool);
                sharedPool = true;
            } catch (IllegalStateException alreadyMade) {
                environment = OrtEnvironment.getEnvironment();
                sharedPool = false;
            }
        }
        return environment;
    }

    /** A session of {@code model}, the bytes of {@code file}; the caller owns it and closes it. */
    OrtSession open(byte[] model, String file) {
        return open(model, file, false);
    }

    /**
     * The same, with weights prepacked or not. Prepacking copies every weight into the layout its
     * kernel likes, beside the original: two large blocks per version that the C heap keeps after a
     * swap, so fp32 versions go without (same speed). Integer kernels need it: without, an int8
     * model runs no faster than fp32 (docs/benchmarks.md, "The pipeline on int8").
     */
    OrtSession open(byte[] model, String file, boolean prepack) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            OrtEnvironment env = environment(threads);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            if (sharedPool) {
                options.disablePerSessionThreads();
            } else if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            if (!prepack) {
                options.addConfigEntry("session.disable_prepacking", "1");
            }
            addProvider(options);
            return env.createSession(model, options);
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
