package io.fovea.core.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CPU's instruction-set flags, as Linux lists them in {@code /proc/cpuinfo}: which native
 * build ND4J loads, and which integer kernels ONNX Runtime runs an int8 model with. Under the
 * launcher's AVX2 cap ({@value #CAP_ENV}{@code =avx2}, which hides the instruction sets above AVX2
 * from the process's CPUID) the hidden flags are left out too, as the kernels see them.
 */
public record CpuFeatures(Set<String> flags, boolean x86) {
    /** Flags that say how fast and how exactly int8 runs, in the order they are told. */
    private static final List<String> INT8_FLAGS = List.of("avx512_vnni", "avx_vnni", "avx512f", "avx2");

    /** Set by {@code bin/fovea} with the library that hides the CPU's sets above AVX2 preloaded. */
    public static final String CAP_ENV = "FOVEA_CPU_CAP";

    /** The library that hides them: {@code bench/src/main/c/cpu_cap.c}, built by the launcher. */
    static final String CAP_LIBRARY = "fovea-cpu-cap.so";

    /** Linux's flags of what the AVX2 cap hides: AVX-512, AVX-VNNI and the sets after them. */
    private static final List<String> ABOVE_AVX2 =
            List.of("avx512", "avx_vnni", "avx_ifma", "avx_ne_convert", "avx10", "amx");

    /** This machine's as the process sees them; no flags where there is no {@code /proc/cpuinfo}. */
    public static CpuFeatures ofThisMachine() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        CpuFeatures all =
                new CpuFeatures(readFlags(Path.of("/proc/cpuinfo")), arch.equals("amd64") || arch.equals("x86_64"));
        return cappedHere() ? all.cappedAtAvx2() : all;
    }

    /** Whether this process runs under the launcher's AVX2 cap. */
    public static boolean cappedHere() {
        return avx2Capped(System.getenv(CAP_ENV), System.getenv("LD_PRELOAD"));
    }

    /** Whether the process runs under the cap: asked for, and its library preloaded (the launcher does both). */
    static boolean avx2Capped(String cap, String preloaded) {
        return "avx2".equals(cap) && preloaded != null && preloaded.contains(CAP_LIBRARY);
    }

    /** These flags without those of the instruction sets above AVX2. */
    public CpuFeatures cappedAtAvx2() {
        return new CpuFeatures(
                flags.stream()
                        .filter(flag -> ABOVE_AVX2.stream().noneMatch(flag::startsWith))
                        .collect(Collectors.toUnmodifiableSet()),
                x86);
    }

    public boolean has(String flag) {
        return flags.contains(flag);
    }

    public boolean known() {
        return !flags.isEmpty();
    }

    /**
     * Whether ONNX Runtime's u8×s8 kernels here add pairs of products in 16 bits, saturating:
     * x86-64 without VNNI multiplies with {@code vpmaddubsw} (AVX2, and AVX-512 without VNNI),
     * where 255 × 127 × 2 overflows 32,767. VNNI's {@code vpdpbusd} adds in 32 bits.
     */
    public boolean int8PairsSaturate() {
        return x86 && known() && !has("avx512_vnni") && !has("avx_vnni");
    }

    /** E.g. "avx512_vnni, avx512f, avx2": what an int8 figure was measured with. */
    public String int8Description() {
        if (!known()) {
            return "unknown (no /proc/cpuinfo)";
        }
        String have = INT8_FLAGS.stream().filter(flags::contains).collect(Collectors.joining(", "));
        return have.isEmpty() ? "none of " + String.join(", ", INT8_FLAGS) : have;
    }

    static Set<String> readFlags(Path cpuinfo) {
        try {
            return Files.readAllLines(cpuinfo).stream()
                    .filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .map(line -> Arrays.stream(
                                    line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                            .collect(Collectors.toUnmodifiableSet()))
                    .orElse(Set.of());
        } catch (IOException e) {
            return Set.of();
        }
    }
}
