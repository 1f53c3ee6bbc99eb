package io.fovea.core.runtime;

import java.time.Duration;

/**
 * Waiting in the commands' own threads. An interrupt keeps the thread's interrupt flag and ends
 * the command with an error, instead of being swallowed.
 */
public final class Blocking {
    private Blocking() {}

    public static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + thread.getName(), e);
        }
    }

    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
