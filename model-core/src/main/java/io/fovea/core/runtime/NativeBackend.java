package io.fovea.core.runtime;

import java.util.Locale;
import java.util.Set;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses ND4J's fastest CPU build and DL4J's oneDNN layer helpers. Must run before the first
 * ND4J class loads: every entry point (CLI, tests that touch ND4J) calls {@link #configure()}.
 *
 * <p>Why: stock DL4J 1.0.0-M2.1 runs convolutions through im2col, far below the machine's
 * sgemm speed (docs/training.md, "CPU speed"). Three things bring it close: the oneDNN build of libnd4j for the CPU's vector width,
 * DL4J's helpers enabled ({@value #HELPERS_DISABLE} = false), and the oneDNN check fixed (see
 * {@link org.nd4j.nativeblas.Nd4jCpu}). Served models also get faster max pooling
 * ({@link ServingGraph}). All three oneDNN builds ship; loading the AVX-512 one on
 * a CPU without AVX-512 would crash the JVM with SIGILL, hence the choice by CPU flags.
 */
public final class NativeBackend {
    /** JavaCPP loads the native libraries of the classifier with this suffix. */
    public static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    /** DL4J's switch for its oneDNN (and cuDNN) layer helpers; DL4J's own default is true. */
    public static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
    /**
     * JavaCPP refuses every native allocation (ND4J's arrays among them) once the process's
     * resident memory passes this; its default is four times the Java heap.
     */
    public static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    private static final Logger LOG = LoggerFactory.getLogger(NativeBackend.class);
    private static final Set<String> AVX512 = Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq");
    private static final Set<String> AVX2 = Set.of("avx2", "fma");

    private NativeBackend() {}

    /** Sets the properties unless the user set them already (e.g. {@code -D...} to force a build). */
    public static void configure() {
        if (System.getProperty(PLATFORM_EXTENSION) == null) {
            System.setProperty(
                    PLATFORM_EXTENSION, extensionFor(CpuFeatures.ofThisMachine().flags()));
        }
        if (System.getProperty(HELPERS_DISABLE) == null) {
            System.setProperty(HELPERS_DISABLE, "false");
        }
        // JavaCPP's bound counts memory it does not own: ONNX Runtime's arenas, a second version
        // during a swap. A 224x224 VGG16 on two passes passes 4 GB under a 1 GB heap, and every
        // ND4J array then fails. The container's limit is the bound that means something (0: none).
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null
                && System.getProperty(MAX_PHYSICAL_BYTES.toLowerCase(Locale.ROOT)) == null) {
            System.setProperty(MAX_PHYSICAL_BYTES, "0");
        }
        // ND4J logs a page of native build details at start-up; the chosen build is logged below instead.
        System.setProperty("org.nd4j.log.initialization", System.getProperty("org.nd4j.log.initialization", "false"));
        LOG.debug(
                "ND4J build {}, DL4J helpers disabled={}, JavaCPP's resident bound {}",
                System.getProperty(PLATFORM_EXTENSION),
                System.getProperty(HELPERS_DISABLE),
                System.getProperty(MAX_PHYSICAL_BYTES));
    }

    /**
     * Lets BLAS (OpenBLAS) multiply on the calling thread only, for a process that serves models.
     * With the oneDNN helpers, the convolutions run on OpenMP's threads and BLAS only does the
     * head's small dense multiplies (a fraction of a percent of VGG16's work); but OpenBLAS's
     * worker thread spins for a while after every multiply and so takes CPU from the
     * convolutions' OpenMP threads at every forward pass (figures: docs/benchmarks.md, "One-off
     * probes"). Call it after
     * {@link #configure()}: it loads ND4J. The thread count is process-wide.
     */
    public static void blasOnCallingThreadOnly() {
        var blas = Nd4j.factory().blas();
        if (blas.getMaxThreads() != 1) {
            blas.setMaxThreads(1);
            LOG.debug("BLAS ({}) now multiplies on the calling thread only", blas.getBlasVendor());
        }
    }

    /** The classifier suffix for these CPU flags: AVX-512, else AVX2, else plain x86-64, all with oneDNN. */
    static String extensionFor(Set<String> flags) {
        if (flags.containsAll(AVX512)) {
            return "-onednn-avx512";
        }
        if (flags.containsAll(AVX2)) {
            return "-onednn-avx2";
        }
        return "-onednn";
    }
}
