package io.fovea.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of each thread of a process, from the kernel ({@code /proc/PID/task/TID/stat}), by
 * thread name with its numbering removed. It sees every thread, ONNX Runtime's native pool (which
 * no Java profiler does) as well as the JVM's. Linux keeps 15 characters of a thread's name.
 */
final class ThreadCpu {
    /** Clock ticks per second of {@code utime} and {@code stime}: USER_HZ, 100 on every Linux this runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private ThreadCpu() {}

    /** Seconds of CPU (user and system) each named group of threads of {@code pid} has used so far. */
    static Map<String, Double> of(long pid) {
        Map<String, Double> seconds = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException ended) {
                    continue; // the thread ended meanwhile
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String[] fields = stat.substring(close + 2).split(" ");
                // after the name: state is field 3, utime field 14 and stime field 15 of the whole line
                double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
                seconds.merge(group(stat.substring(open + 1, close)), cpu, Double::sum);
            }
        } catch (IOException e) {
            return Map.of(); // no /proc (not Linux), or the process has ended
        }
        return seconds;
    }

    /**
     * Seconds of CPU the whole machine has been busy and idle so far ({@code /proc/stat}), every
     * core summed: what other processes took shows as busy time that no thread of ours accounts for.
     */
    static double[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal
            double busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            double idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new double[] {busy / TICKS_PER_SECOND, idle / TICKS_PER_SECOND};
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    /**
     * What each group used between two readings. A thread that ended in between (the JVM stops
     * compiler threads it no longer needs) takes its count with it, so a group can come out short:
     * never below 0; the machine's busy time still has it, under other processes.
     */
    static Map<String, Double> between(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> used = new LinkedHashMap<>();
        after.forEach((name, seconds) -> used.put(name, Math.max(0, seconds - before.getOrDefault(name, 0.0))));
        return used;
    }

    /** Seconds of CPU of every group together. */
    static double total(Map<String, Double> seconds) {
        return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** A thread's name without its number: "GC Thread#1" and "GC Thread#0" are one group. */
    static String group(String name) {
        return name.replaceAll("[#\\-_ ]?\\d+$", "");
    }
}
