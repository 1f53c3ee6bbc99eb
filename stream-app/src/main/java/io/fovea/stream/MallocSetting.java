package io.fovea.stream;

import com.sun.jna.NativeLibrary;
import java.util.Map;
import java.util.OptionalLong;

/**
 * glibc's mmap threshold, fixed when serve starts ({@code malloc.mmap.threshold}). glibc serves
 * blocks at or over the threshold from mmap and gives them back whole when freed, but by default
 * it raises the threshold each time such a block is freed: after the first hot-swap a version's
 * weights and ONNX Runtime's arenas come from the heaps of whichever threads allocated them, and
 * with two forward passes at once what old versions leave there stays resident, a few MB per swap
 * (docs/benchmarks.md, "One pass against two passes at once"). A fixed 128 KiB stops that. DL4J
 * allocates its activations anew in every pass and runs slower with it, so it keeps glibc's own.
 */
final class MallocSetting {
    static final String VARIABLE = "MALLOC_MMAP_THRESHOLD_";
    /** glibc's own starting threshold, fixed. */
    static final long FOR_ONNX_RUNTIME = 128 * 1024;
    /** mallopt's parameter number for the threshold (glibc's malloc.h). */
    private static final int M_MMAP_THRESHOLD = -3;

    private MallocSetting() {}

    /**
     * The threshold to fix, or empty to leave glibc's own: a set number (0: glibc's own); with
     * {@code auto}, 128 KiB on ONNX Runtime unless {@value #VARIABLE} already set one at start.
     */
    static OptionalLong chosen(OptionalLong setting, boolean onnxRuntime, Map<String, String> environment) {
        if (setting.isPresent()) {
            return setting.getAsLong() == 0 ? OptionalLong.empty() : setting;
        }
        return onnxRuntime && !environment.containsKey(VARIABLE)
                ? OptionalLong.of(FOR_ONNX_RUNTIME)
                : OptionalLong.empty();
    }

    /** Fixes the threshold in this process; what it did, for the start-up lines. */
    static String apply(OptionalLong threshold) {
        if (threshold.isEmpty()) {
            return "glibc's own mmap threshold";
        }
        NativeLibrary c;
        try {
            c = NativeLibrary.getInstance("c");
        } catch (LinkageError noNativeAccess) {
            // JNA could not load its own native part (e.g. no writable temporary folder): serve runs on
            return "glibc's own mmap threshold (cannot call the C library: " + noNativeAccess.getMessage() + ")";
        }
        try {
            c.getFunction("gnu_get_libc_version"); // only glibc has it, and only glibc has the threshold
        } catch (UnsatisfiedLinkError notGlibc) {
            return "not glibc's malloc: malloc.mmap.threshold does not apply";
        }
        int done = c.getFunction("mallopt")
                .invokeInt(new Object[] {M_MMAP_THRESHOLD, Math.toIntExact(threshold.getAsLong())});
        return done == 1
                ? "glibc's mmap threshold fixed at " + threshold.getAsLong() + " bytes"
                : "glibc refused an mmap threshold of " + threshold.getAsLong() + " bytes; its own is kept";
    }
}
