package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
    @Test
    void numberedThreadsOfOneKindAreOneGroup() {
        assertEquals("GC Thread", ThreadCpu.group("GC Thread#1"));
        assertEquals("GC Thread", ThreadCpu.group("GC Thread#0"));
        assertEquals("C1 CompilerThre", ThreadCpu.group("C1 CompilerThre"));
        assertEquals("fovea-http", ThreadCpu.group("fovea-http-12"));
        assertEquals("fovea-inference", ThreadCpu.group("fovea-inference"));
    }

    @Test
    void aThreadThatSpinsShowsItsCpuTimeUnderItsName() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch read = new CountDownLatch(1);
        Thread spinner = new Thread(
                () -> {
                    // 0.3 s of CPU, however busy the machine: wall time alone could be mostly waiting
                    long end = threadCpuNanos() + 300_000_000L;
                    while (threadCpuNanos() < end) {
                        Thread.onSpinWait();
                    }
                    spun.countDown();
                    await(read);
                },
                "cpu-spinner");
        spinner.start();
        spun.await();
        Map<String, Double> seconds = ThreadCpu.of(ProcessHandle.current().pid());
        read.countDown();
        spinner.join();
        assertTrue(seconds.getOrDefault("cpu-spinner", 0.0) >= 0.25, "the spinner's CPU: " + seconds);
        double[] machine = ThreadCpu.machine();
        assertTrue(machine[0] > 0.25 && machine[1] >= 0, "the machine has been busy: " + machine[0]);
    }

    private static long threadCpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
