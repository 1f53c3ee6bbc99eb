package io.fovea.core.runtime;

import java.util.function.Supplier;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs one of two equivalent implementations of a step, picking the faster by timing both on
 * the caller's real work, as cuDNN's benchmark mode does: each runs once untimed, then {@value
 * #TIMED_RUNS} times each, alternating; from then on the second runs only if it took at most 90%
 * of the first's time, so that two about equal do not flip from run to run on a noisy machine.
 *
 * <p>Why: which of oneDNN's kernels or libnd4j's own is faster for a layer's backward pass turns
 * on the shape and on the instruction set of the day (AVX-512 Winograd kernels are fast on large
 * images and slow on 2x2 ones); a fixed rule is right on one machine only. The
 * two must give the same result within float rounding; each user's test checks that.
 */
public final class FasterOfTwo {
    static final int TIMED_RUNS = 3;
    private final long[] nanos = new long[2];
    private int runs;
    // a GPU runs ops asynchronously, so the calling thread cannot time them: there the first stays
    private int chosen = Nd4j.getEnvironment().isCPU() ? -1 : 0;

    /** Runs {@code first} or {@code second}, timing it while the choice is still open. */
    public <T> T run(Supplier<T> first, Supplier<T> second) {
        if (chosen >= 0) {
            return chosen == 0 ? first.get() : second.get();
        }
        int which = runs % 2;
        long start = System.nanoTime();
        T result = which == 0 ? first.get() : second.get();
        long elapsed = System.nanoTime() - start;
        if (runs >= 2) { // the first run of each pays for warm-up: not counted
            nanos[which] += elapsed;
        }
        runs++;
        if (runs == 2 + 2 * TIMED_RUNS) {
            chosen = nanos[1] <= 0.9 * nanos[0] ? 1 : 0;
        }
        return result;
    }

    /** Settles the choice without timing: for tests of each implementation. */
    public void choose(int which) {
        if (which != 0 && which != 1) {
            throw new IllegalArgumentException("0 or 1, got " + which);
        }
        chosen = which;
    }

    /** 0 or 1 once decided, else -1. */
    public int chosen() {
        return chosen;
    }
}
