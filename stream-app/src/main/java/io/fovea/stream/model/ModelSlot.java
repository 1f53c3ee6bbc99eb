package io.fovea.stream.model;

import java.util.function.Supplier;

/** The model version in service. Read once per forward pass, so a swap lands between batches. */
public final class ModelSlot implements Supplier<ModelRunner> {
    private volatile ModelRunner current;

    public ModelSlot(ModelRunner initial) {
        this.current = initial;
    }

    @Override
    public ModelRunner get() {
        return current;
    }

    /** Puts {@code next} in service and returns the previous version, which the caller closes when no batch uses it. */
    public synchronized ModelRunner swap(ModelRunner next) {
        ModelRunner previous = current;
        current = next;
        return previous;
    }
}
