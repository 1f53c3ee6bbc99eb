package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fovea.core.runtime.CpuFeatures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's AVX2 cap ({@code bench/src/main/c/cpu_cap.c}, preloaded), seen from a JVM: HotSpot
 * chooses its vector width from CPUID, so a JVM under the cap must see no AVX-512, while one with
 * the library preloaded but the cap not asked for sees the machine as it is. Runs where the machine
 * has what there is to hide, a C compiler and Linux's CPUID faulting.
 */
class CpuCapTest {
    private static final Pattern USE_AVX = Pattern.compile("\\bUseAVX\\s+=\\s+(\\d+)");

    @TempDir
    Path dir;

    @Test
    void aJvmUnderTheCapSeesNoInstructionSetAboveAvx2() throws Exception {
        CpuFeatures machine = CpuFeatures.ofThisMachine();
        assumeTrue(machine.has("avx512f"), "nothing above AVX2 to hide on this CPU");
        assumeTrue(machine.has("cpuid_fault"), "no CPUID faulting here");
        Path library = dir.resolve("fovea-cpu-cap.so");
        Path source = Path.of("src/main/c/cpu_cap.c").toAbsolutePath();
        assumeTrue(
                run(List.of("cc", "-O2", "-shared", "-fPIC", "-o", library.toString(), source.toString()), Map.of())
                                .exit
                        == 0,
                "no C compiler");

        Output uncapped = javaVersion(Map.of("LD_PRELOAD", library.toString()));
        Output capped = javaVersion(Map.of("LD_PRELOAD", library.toString(), CpuFeatures.CAP_ENV, "avx2"));

        assertEquals(0, uncapped.exit, uncapped.text);
        assertEquals(0, capped.exit, capped.text);
        assertEquals(3, useAvx(uncapped), "the library alone hides nothing: " + uncapped.text);
        assertEquals(2, useAvx(capped), "under the cap the JVM's widest vectors are AVX2's");
    }

    private static int useAvx(Output out) {
        Matcher m = USE_AVX.matcher(out.text);
        assertTrue(m.find(), out.text);
        return Integer.parseInt(m.group(1));
    }

    private Output javaVersion(Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return run(List.of(java, "-XX:+PrintFlagsFinal", "-version"), env);
    }

    private record Output(int exit, String text) {}

    private Output run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        builder.environment().remove(CpuFeatures.CAP_ENV);
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Output(-1, e.getMessage()); // no such program
        }
        byte[] text = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        return new Output(process.exitValue(), new String(text, StandardCharsets.UTF_8));
    }
}
