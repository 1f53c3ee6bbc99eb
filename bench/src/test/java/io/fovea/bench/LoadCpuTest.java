package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadCpuTest {
    @Test
    void aBusyPipelineShowsAsItsShareOfTheCoresAndItsCpuPerImage() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        // this JVM stands for the pipeline: 0.3 s of CPU over 100 "images"
        LoadCpu.Start start = LoadCpu.Start.of(ProcessHandle.current().pid());
        long end = threadCpuNanos() + 300_000_000L;
        while (threadCpuNanos() < end) {
            Thread.onSpinWait();
        }

        LoadCpu cpu = start.until(100);

        assertTrue(cpu.pipelineMillisPerImage() >= 2.9, "ms per image " + cpu.pipelineMillisPerImage());
        assertTrue(cpu.pipeline() > 0 && cpu.pipeline() <= 1.0, "share " + cpu.pipeline());
        for (double share : new double[] {cpu.benchJvm(), cpu.others(), cpu.idle()}) {
            assertTrue(share >= 0 && share <= 1.0, "share " + share);
        }
    }

    @Test
    void theTableShowsEachLoadsSharesAndTheCpuPerImageBesideSaturation() {
        Contender serve = Contender.all(List.of(PrecisionModels.FP32), List.of()).stream()
                .filter(c -> c.kind == Contender.Kind.SERVE)
                .findFirst()
                .orElseThrow();
        StringWriter text = new StringWriter();

        LoadCpu.table(
                new PrintWriter(text),
                new double[] {0.5, 0.9},
                Map.of(serve, List.of(new LoadCpu(0.5, 0.1, 0.02, 0.38, 3.1), new LoadCpu(0.88, 0.11, 0.01, 0.0, 3.4))),
                Map.of(serve, 3.0));

        String row = text.toString()
                .lines()
                .filter(l -> l.startsWith("| " + serve.label + " |"))
                .findFirst()
                .orElseThrow();
        assertEquals("| " + serve.label + " | 50 / 10 / 2 / 38 | 88 / 11 / 1 / 0 | 3.00 | 3.10 | 3.40 |", row);
    }

    private static long threadCpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
