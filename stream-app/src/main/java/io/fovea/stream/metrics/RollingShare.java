package io.fovea.stream.metrics;

import java.util.ArrayDeque;
import java.util.Deque;

/** The share of true among the last {@code window} outcomes: a rolling accuracy or agreement. */
public final class RollingShare {
    private final int window;
    private final Deque<Boolean> last = new ArrayDeque<>();
    private int hits;

    public RollingShare(int window) {
        this.window = window;
    }

    public synchronized void add(boolean hit) {
        last.addLast(hit);
        hits += hit ? 1 : 0;
        if (last.size() > window) {
            hits -= last.removeFirst() ? 1 : 0;
        }
    }

    /** NaN before the first outcome. */
    public synchronized double value() {
        return last.isEmpty() ? Double.NaN : (double) hits / last.size();
    }

    /** Outcomes in the window: {@code window} once it is full. */
    public synchronized int count() {
        return last.size();
    }
}
