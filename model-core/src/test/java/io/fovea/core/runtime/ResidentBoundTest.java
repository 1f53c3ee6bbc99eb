package io.fovea.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import sun.misc.Unsafe;

/**
 * A process whose resident memory is mostly not JavaCPP's (ONNX Runtime's arenas, a version
 * loading beside the served one) still gets ND4J arrays. Each case runs in a JVM of its own with a
 * 128 MB heap, so JavaCPP's default bound is 512 MB, and touches 640 MB of native memory first.
 */
class ResidentBoundTest {
    private static final long FOREIGN_BYTES = 640L << 20;

    @Test
    void ndArraysStillAllocateWhenOtherNativeMemoryPassesJavaCppsDefaultBound() throws Exception {
        Result configured = run(true);
        assertEquals(0, configured.exit(), configured.output());
        assertTrue(configured.output().contains("allocated 40 floats"), configured.output());
    }

    /** Without configure(), the same process fails: the case above is the one the setting is for. */
    @Test
    void javaCppsOwnDefaultRefusesThem() throws Exception {
        Result unconfigured = run(false);
        assertNotEquals(0, unconfigured.exit(), unconfigured.output());
        assertTrue(unconfigured.output().contains("physicalBytes"), unconfigured.output());
    }

    private record Result(int exit, String output) {}

    private static Result run(boolean configure) throws IOException, InterruptedException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                Probe.class.getName(),
                Boolean.toString(configure));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the probe JVM did not end");
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** The child process: native memory JavaCPP does not own, then one small ND4J array. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            NativeBackend.configure();
            if (!Boolean.parseBoolean(args[0])) {
                System.clearProperty(NativeBackend.MAX_PHYSICAL_BYTES); // JavaCPP's own default
            }
            Field field = Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Unsafe unsafe = (Unsafe) field.get(null);
            long address = unsafe.allocateMemory(FOREIGN_BYTES);
            unsafe.setMemory(address, FOREIGN_BYTES, (byte) 1); // resident, as an arena in use is
            try {
                float[] values = Nd4j.create(new float[40]).toFloatVector();
                System.out.println("allocated " + values.length + " floats");
            } catch (OutOfMemoryError e) {
                System.out.println("refused: " + e.getMessage());
                System.exit(3);
            } finally {
                unsafe.freeMemory(address);
            }
            System.exit(0);
        }
    }
}
