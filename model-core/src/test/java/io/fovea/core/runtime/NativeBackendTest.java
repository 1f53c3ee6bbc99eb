package io.fovea.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class NativeBackendTest {
    @Test
    void choosesTheWidestOneDnnBuildTheCpuRuns() {
        assertEquals(
                "-onednn-avx512",
                NativeBackend.extensionFor(Set.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq")));
        assertEquals("-onednn-avx2", NativeBackend.extensionFor(Set.of("avx2", "fma", "avx512f")));
        assertEquals("-onednn", NativeBackend.extensionFor(Set.of("sse4_2", "avx")));
        assertEquals("-onednn", NativeBackend.extensionFor(Set.of()));
    }

    @Test
    void aServingProcessMultipliesOnTheCallingThreadOnly() {
        NativeBackend.configure();
        var blas = Nd4j.factory().blas();
        int before = blas.getMaxThreads();
        try {
            blas.setMaxThreads(2);
            NativeBackend.blasOnCallingThreadOnly();
            assertEquals(1, blas.getMaxThreads());
            NativeBackend.blasOnCallingThreadOnly();
            assertEquals(1, blas.getMaxThreads(), "a second call keeps it");
        } finally {
            blas.setMaxThreads(before);
        }
    }
}
