package io.fovea.stream.limits;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The decoded pixels every task of the instance holds, against one cap ({@code max.decoded.bytes}).
 * Pending images were bounded only in count, so large images on many partitions could fill the
 * heap; a task that would go over the cap applies back-pressure instead (see the batch package),
 * and gives its bytes back when each image's prediction or dead letter is emitted, or when the
 * task is closed. Shared by every stream thread.
 */
public final class DecodedMemory {
    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    public DecodedMemory(long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("a decoded-bytes cap must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Takes {@code bytes} when they fit under the cap; false (and nothing taken) when they do not. */
    public boolean tryReserve(long bytes) {
        long now;
        do {
            now = held.get();
            if (now + bytes > capacity) {
                return false;
            }
        } while (!held.compareAndSet(now, now + bytes));
        return true;
    }

    /**
     * Takes {@code bytes} even over the cap: for a task that holds nothing else, so that it always
     * makes progress when the other tasks of its own thread (which cannot drain meanwhile) hold the rest.
     */
    public void reserveAnyway(long bytes) {
        held.addAndGet(bytes);
    }

    public void release(long bytes) {
        held.addAndGet(-bytes);
    }

    public long held() {
        return held.get();
    }

    public long capacity() {
        return capacity;
    }

    @Override
    public String toString() {
        return held.get() + " of " + capacity + " decoded bytes held";
    }
}
