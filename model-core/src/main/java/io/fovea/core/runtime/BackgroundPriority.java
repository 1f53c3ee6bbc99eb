package io.fovea.core.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the calling thread's CPU priority (its nice value), so that background work (a model
 * version loading while another serves) takes less of the CPU from the serving threads' forward
 * passes. Linux schedules threads one by one, so this touches no other thread; threads this one
 * starts later inherit it. A thread cannot raise its priority again without privileges.
 *
 * <p>Java has no call for it (thread priorities are ignored on Linux), hence {@code renice} on
 * the thread's id. Where that is not possible (not Linux, no {@code renice}) the thread keeps its
 * priority: slower swaps under load, nothing worse.
 */
public final class BackgroundPriority {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundPriority.class);
    /** The lowest priority: only CPU time every other thread leaves idle. */
    public static final int NICEST = 19;

    private BackgroundPriority() {}

    /**
     * @param nice 0 (as every thread starts) to {@link #NICEST}
     * @return whether the priority was lowered
     */
    public static boolean lowerCurrentThread(int nice) {
        if (nice < 0 || nice > NICEST) {
            throw new IllegalArgumentException("nice must be 0 to " + NICEST + ", got " + nice);
        }
        Path self = Path.of("/proc/thread-self");
        try {
            String tid = Files.readSymbolicLink(self).getFileName().toString();
            Process renice = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", tid)
                    .redirectErrorStream(true)
                    .start();
            String said = new String(renice.getInputStream().readAllBytes()).trim();
            if (renice.waitFor() != 0) {
                LOG.info(
                        "Thread {} keeps its CPU priority: renice said {}",
                        Thread.currentThread().getName(),
                        said);
                return false;
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info(
                    "Thread {} keeps its CPU priority: {}",
                    Thread.currentThread().getName(),
                    e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The calling thread's nice value, from {@code /proc/thread-self/stat}; 0 where unknown. */
    public static int niceOfCurrentThread() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            // fields after the command name (which may hold spaces) closed by ')': nice is field 19
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
