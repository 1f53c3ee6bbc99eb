package io.fovea.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuFeaturesTest {
    @TempDir
    Path dir;

    @Test
    void flagsAreReadFromTheFirstProcessorsFlagsLine() throws Exception {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(
                cpuinfo,
                "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 avx2 fma avx512f avx512_vnni\n\n"
                        + "processor\t: 1\nflags\t\t: fpu sse2\n");
        assertEquals(Set.of("fpu", "sse2", "avx2", "fma", "avx512f", "avx512_vnni"), CpuFeatures.readFlags(cpuinfo));
        assertEquals(Set.of(), CpuFeatures.readFlags(dir.resolve("absent")));
    }

    @Test
    void int8PairsSaturateOnX86WithoutVnniOnly() {
        assertTrue(new CpuFeatures(Set.of("avx2", "fma"), true).int8PairsSaturate());
        assertTrue(new CpuFeatures(Set.of("avx2", "avx512f", "avx512bw"), true).int8PairsSaturate());
        assertFalse(new CpuFeatures(Set.of("avx2", "avx512f", "avx512_vnni"), true).int8PairsSaturate());
        assertFalse(new CpuFeatures(Set.of("avx2", "avx_vnni"), true).int8PairsSaturate());
        assertFalse(new CpuFeatures(Set.of("asimd"), false).int8PairsSaturate());
        assertFalse(new CpuFeatures(Set.of(), true).int8PairsSaturate());
    }

    @Test
    void theInt8DescriptionNamesWhatDecidesTheKernels() {
        assertEquals(
                "avx512_vnni, avx512f, avx2",
                new CpuFeatures(Set.of("avx2", "avx512f", "avx512_vnni", "sse2"), true).int8Description());
        assertEquals(
                "none of avx512_vnni, avx_vnni, avx512f, avx2",
                new CpuFeatures(Set.of("sse2"), true).int8Description());
        assertEquals("unknown (no /proc/cpuinfo)", new CpuFeatures(Set.of(), true).int8Description());
    }

    @Test
    void theAvx2CapLeavesOutEveryInstructionSetAboveAvx2() {
        CpuFeatures sapphireRapids = new CpuFeatures(
                Set.of(
                        "sse2",
                        "avx2",
                        "fma",
                        "f16c",
                        "avx512f",
                        "avx512bw",
                        "avx512_vnni",
                        "avx_vnni",
                        "avx512_bf16",
                        "avx512_fp16",
                        "amx_int8",
                        "amx_tile",
                        "gfni",
                        "vaes"),
                true);
        CpuFeatures capped = sapphireRapids.cappedAtAvx2();
        assertEquals(Set.of("sse2", "avx2", "fma", "f16c", "gfni", "vaes"), capped.flags());
        assertTrue(capped.int8PairsSaturate());
        assertEquals("avx2", capped.int8Description());
    }

    @Test
    void theCapIsOnlyTakenAsAppliedWhenItsLibraryIsPreloaded() {
        assertTrue(CpuFeatures.avx2Capped("avx2", "/opt/fovea/bench/target/fovea-cpu-cap.so"));
        assertTrue(CpuFeatures.avx2Capped("avx2", "libjemalloc.so:/x/fovea-cpu-cap.so"));
        assertFalse(CpuFeatures.avx2Capped("avx2", null));
        assertFalse(CpuFeatures.avx2Capped("avx2", "libjemalloc.so"));
        assertFalse(CpuFeatures.avx2Capped(null, "/x/fovea-cpu-cap.so"));
        assertFalse(CpuFeatures.avx2Capped("sse4", "/x/fovea-cpu-cap.so"));
    }
}
