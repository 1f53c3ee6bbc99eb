package io.fovea.stream.batch;

import io.fovea.schemas.registry.RegistryUnavailableException;
import io.fovea.stream.validate.AcceptedImage;
import io.fovea.stream.validate.ImageValidator;
import io.fovea.stream.validate.RejectedRecordException;
import io.fovea.stream.validate.SourceRecord;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One task's records whose writer schema the registry has not given yet. Each is already held in
 * the pending store (so its offset commits and a restart restores it); here it waits, in order,
 * to be validated again once the registry answers. It is never a dead letter for the outage.
 */
final class AwaitingRegistry {
    /** What becomes of a record once the registry answers. */
    interface Outcome {
        void accepted(SourceRecord source, AcceptedImage image);

        void refused(SourceRecord source, RejectedRecordException reason);
    }

    private record Held(SourceRecord source, long timestamp) {}

    private final Deque<Held> held = new ArrayDeque<>();

    void add(SourceRecord source, long timestamp) {
        held.addLast(new Held(source, timestamp));
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    int size() {
        return held.size();
    }

    /** Validates the held records again, oldest first, until one still waits for the registry. */
    void retry(ImageValidator validator, Outcome outcome) {
        while (!held.isEmpty()) {
            Held next = held.peekFirst();
            AcceptedImage image;
            try {
                image = validator.validate(next.source(), next.timestamp());
            } catch (RegistryUnavailableException stillDown) {
                return;
            } catch (RejectedRecordException e) {
                held.pollFirst();
                outcome.refused(next.source(), e);
                continue;
            }
            held.pollFirst();
            outcome.accepted(next.source(), image);
        }
    }

    /** The task is closed: what is held stays in the store, for whoever owns the partition next. */
    void clear() {
        held.clear();
    }
}
