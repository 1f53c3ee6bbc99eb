package io.fovea.schemas.hostile;

import java.lang.management.ManagementFactory;

/** Bytes the calling thread allocates while it runs something: how tests show that decoding is bounded. */
public final class Allocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocation() {}

    /** Bytes allocated by this thread while {@code work} ran, whether it returned or threw. */
    public static long of(Runnable work) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            work.run();
        } catch (RuntimeException expected) {
            // a refusal is an outcome like any other here: the caller checks which one separately
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
