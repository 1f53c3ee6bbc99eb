package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.stream.config.ModelOptions;
import io.fovea.stream.config.StreamConfig;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MallocSettingTest {
    private static final OptionalLong AUTO = OptionalLong.empty();

    @Test
    void autoFixes128KiBOnOnnxRuntimeOnlyAndKeepsAThresholdTheEnvironmentGave() {
        assertEquals(OptionalLong.of(131072), MallocSetting.chosen(AUTO, true, Map.of()));
        assertEquals(AUTO, MallocSetting.chosen(AUTO, false, Map.of()), "DL4J keeps glibc's own");
        assertEquals(
                AUTO,
                MallocSetting.chosen(AUTO, true, Map.of("MALLOC_MMAP_THRESHOLD_", "1048576")),
                "glibc read the user's at start");
    }

    @Test
    void aSetNumberIsFixedOnAnyBackendAndZeroLeavesGlibcsOwn() {
        assertEquals(OptionalLong.of(4096), MallocSetting.chosen(OptionalLong.of(4096), false, Map.of()));
        assertEquals(AUTO, MallocSetting.chosen(OptionalLong.of(0), true, Map.of()));
    }

    @Test
    void theSettingTakesZeroTo32MiBOrAuto() {
        assertEquals(
                OptionalLong.of(32L << 20),
                StreamConfig.of(Map.of("bootstrap.servers", "x", "malloc.mmap.threshold", "33554432"))
                        .get(ModelOptions.MALLOC_MMAP_THRESHOLD));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> StreamConfig.of(Map.of("bootstrap.servers", "x", "malloc.mmap.threshold", "33554433")))
                .getMessage()
                .contains("malloc.mmap.threshold"));
    }

    /** A real mallopt call; glibc's largest threshold, the value its own moving one stops at, keeps this JVM's speed. */
    @Test
    void glibcTakesTheThreshold() {
        String done = MallocSetting.apply(OptionalLong.of(32L << 20));
        boolean glibc = !System.getProperty("os.name").startsWith("Linux")
                || done.startsWith("glibc's mmap threshold fixed at 33554432");
        assertTrue(glibc || done.startsWith("not glibc"), done);
        assertEquals("glibc's own mmap threshold", MallocSetting.apply(AUTO));
    }
}
