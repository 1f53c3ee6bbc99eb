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
 * build ND4J loads, and which integer kernels ONNX Runtime runs an int8 model with.
 */
public record CpuFeatures(Set<String> flags, boolean x86) {
    /** Flags that say how fast and how exactly int8 runs, in the order they are told. */
    private static final List<String> INT8_FLAGS = List.of("avx512_vnni", "avx_vnni", "avx512f", "avx2");

    /** This machine's; no flags where there is no {@code /proc/cpuinfo} (not Linux). */
    public static CpuFeatures ofThisMachine() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return new CpuFeatures(readFlags(Path.of("/proc/cpuinfo")), arch.equals("amd64") || arch.equals("x86_64"));
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
