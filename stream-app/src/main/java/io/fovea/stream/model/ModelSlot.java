package io.fovea.stream.model;

import java.util.function.Supplier;

/**
 * The model version in service. The inference thread reads it once per forward pass and is the
 * only one to swap it (see {@code InferenceWorker#swap}), so a swap always lands between batches.
 */
public final class ModelSlot implements Supplier<ModelRunner> {
    private volatile ModelRunner current;

    public ModelSlot(ModelRunner initial) {
        this.current = initial;
    }

    @Override
    public ModelRunner get() {
        return current;
    }

    /** Puts {@code next} in service and returns the previous version. */
    public synchronized ModelRunner swap(ModelRunner next) {
        ModelRunner previous = current;
        current = next;
        return previous;
    }
}
