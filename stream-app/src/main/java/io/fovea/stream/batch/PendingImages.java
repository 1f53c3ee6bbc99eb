package io.fovea.stream.batch;

import io.fovea.avro.DeadLetterReason;
import io.fovea.schemas.registry.RegistryUnavailableException;
import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.validate.AcceptedImage;
import io.fovea.stream.validate.ImageValidator;
import io.fovea.stream.validate.RejectedRecordException;
import io.fovea.stream.validate.SourceRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The images of one task accepted but not yet predicted, held durably: each is written to a
 * changelogged state store keyed by its input offset, and deleted in the transaction that emits
 * its prediction. Offsets of accepted records can therefore be committed at any time; a crash,
 * a clean stop or a rebalance restores the store and the images are classified after all.
 *
 * <p>The decoded images are also kept in memory, so the store is only read back after a restore.
 * {@link #size()} and {@link #oldestArrivalMillis()} count the images still waiting for a batch.
 * Their decoded bytes count against the instance's {@link DecodedMemory} from {@link #add} (the
 * caller has reserved them) until {@link #emitted} or {@link #releaseAll}.
 */
public final class PendingImages {
    /**
     * One accepted image waiting for its batch.
     *
     * @param image null for an image restored while the cap was full: decoded again when its batch closes
     * @param arrivalMillis stream time of arrival (the context's wall clock, which tests can move)
     * @param arrivalNanos  monotonic arrival, for measuring queue wait
     */
    public record Pending(
            long offset,
            byte[] key,
            byte[] value,
            Header[] headers,
            AcceptedImage image,
            long arrivalMillis,
            long arrivalNanos) {}

    /** A held image that no longer passes validation (e.g. a limit was lowered before a restart). */
    public record Refused(long offset, byte[] key, byte[] value, Header[] headers, RejectedRecordException reason) {}

    private final KeyValueStore<Long, byte[]> store;
    /** Waiting for a batch to close; images of closed batches stay in the store until emitted. */
    private final TreeMap<Long, Pending> byOffset = new TreeMap<>();

    private final DecodedMemory memory;
    /** Decoded bytes reserved for each image waiting or in a batch, given back when it is emitted. */
    private final Map<Long, Integer> reserved = new HashMap<>();
    /** What validated the restored images; decodes again those restored without their pixels. */
    private ImageValidator restoredWith;

    private String restoredTopic = "";
    /** Restored records whose writer schema the registry did not give: they wait for it, still held. */
    private List<SourceRecord> awaitingOnRestore = new ArrayList<>();

    private int restoredPartition;

    public PendingImages(KeyValueStore<Long, byte[]> store, DecodedMemory memory) {
        this.store = store;
        this.memory = memory;
    }

    /** Bytes an image holds while it waits: its planar pixels. */
    public static int decodedBytes(AcceptedImage image) {
        return image.image().chw().length;
    }

    /**
     * Reloads what the store holds (after a restore), re-validating the kept bytes.
     *
     * @return the held images that no longer pass validation: still in the store, to be dead-lettered
     */
    public List<Refused> recover(ImageValidator validator, long nowMillis) {
        return recover(validator, "", 0, nowMillis);
    }

    /**
     * As {@link #recover(ImageValidator, long)}, for the images of this input topic and partition
     * (what names a plain image file without a key).
     */
    public List<Refused> recover(ImageValidator validator, String topic, int partition, long nowMillis) {
        restoredWith = validator;
        restoredTopic = topic;
        restoredPartition = partition;
        List<Refused> refused = new ArrayList<>();
        try (KeyValueIterator<Long, byte[]> all = store.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                if (!byOffset.containsKey(entry.key)) {
                    HeldCopy.Parts held;
                    try {
                        held = HeldCopy.decode(entry.value);
                    } catch (IllegalArgumentException e) {
                        // not written by us: dead-lettered whole, so the task restores and goes on
                        refused.add(new Refused(entry.key, null, entry.value, new Header[0], unreadable(e)));
                        continue;
                    }
                    byte[] key = held.key();
                    byte[] value = held.value();
                    SourceRecord source = new SourceRecord(topic, partition, entry.key, key, value, held.headers());
                    try {
                        // a plain image file's time without its header is now: its record timestamp is not held
                        AcceptedImage image = validator.validate(source, nowMillis);
                        if (memory.tryReserve(decodedBytes(image))) {
                            reserved.put(entry.key, decodedBytes(image));
                        } else {
                            image = null; // over the cap: only the held bytes stay, decoded again later
                        }
                        byOffset.put(
                                entry.key,
                                new Pending(
                                        entry.key, key, value, held.headers(), image, nowMillis, System.nanoTime()));
                    } catch (RejectedRecordException e) {
                        refused.add(new Refused(entry.key, key, value, held.headers(), e));
                    } catch (RegistryUnavailableException e) {
                        awaitingOnRestore.add(source);
                    }
                }
            }
        }
        return refused;
    }

    private static RejectedRecordException unreadable(IllegalArgumentException e) {
        return new RejectedRecordException(
                DeadLetterReason.PROCESSING_FAILED,
                "the pending-images store holds an unreadable copy: " + e.getMessage(),
                e);
    }

    /** The restored records that wait for the registry (still in the store), handed over once. */
    public List<SourceRecord> takeAwaitingOnRestore() {
        List<SourceRecord> taken = awaitingOnRestore;
        awaitingOnRestore = new ArrayList<>();
        return taken;
    }

    /** Holds an accepted image whose {@link #decodedBytes} the caller has reserved. */
    public void add(long offset, byte[] key, byte[] value, Header[] headers, AcceptedImage image, long nowMillis) {
        hold(offset, key, value, headers);
        addHeld(offset, key, value, headers, image, nowMillis);
    }

    /** Holds a record durably before it is validated: one waiting for the registry. */
    public void hold(long offset, byte[] key, byte[] value, Header[] headers) {
        store.put(offset, HeldCopy.encode(key, value, headers));
    }

    /** As {@link #add}, for a record already {@linkplain #hold held}. */
    public void addHeld(long offset, byte[] key, byte[] value, Header[] headers, AcceptedImage image, long nowMillis) {
        reserved.put(offset, decodedBytes(image));
        byOffset.put(offset, new Pending(offset, key, value, headers, image, nowMillis, System.nanoTime()));
    }

    public int size() {
        return byOffset.size();
    }

    public boolean isEmpty() {
        return byOffset.isEmpty();
    }

    /** Arrival of the longest-waiting image; call only when not empty. */
    public long oldestArrivalMillis() {
        return byOffset.values().stream()
                .mapToLong(Pending::arrivalMillis)
                .min()
                .orElseThrow();
    }

    /**
     * Closes a batch: takes up to {@code max} waiting images, oldest offsets first. They stay in
     * the store until {@link #emitted(long)}, so a batch in the model is as durable as one waiting.
     */
    public List<Pending> take(int max) {
        List<Pending> batch = new ArrayList<>(Math.min(max, byOffset.size()));
        while (batch.size() < max && !byOffset.isEmpty()) {
            batch.add(decoded(byOffset.pollFirstEntry().getValue()));
        }
        return batch;
    }

    /**
     * A restored image held without its pixels, decoded again for its batch: over the cap if need
     * be, by at most one batch, as its batch must run for the task to give anything back.
     */
    private Pending decoded(Pending p) {
        if (p.image() != null) {
            return p;
        }
        // passed once: the same bytes pass again
        AcceptedImage image = restoredWith.validate(
                new SourceRecord(restoredTopic, restoredPartition, p.offset(), p.key(), p.value(), p.headers()),
                p.arrivalMillis());
        memory.reserveAnyway(decodedBytes(image));
        reserved.put(p.offset(), decodedBytes(image));
        return new Pending(p.offset(), p.key(), p.value(), p.headers(), image, p.arrivalMillis(), p.arrivalNanos());
    }

    /** The image's prediction or dead letter was forwarded: forget it, in the same transaction. */
    public void emitted(long offset) {
        store.delete(offset);
        Integer bytes = reserved.remove(offset);
        if (bytes != null) {
            memory.release(bytes);
        }
    }

    /** The task is closed (or its partition revoked): its images are no longer held here. */
    public void releaseAll() {
        reserved.values().forEach(memory::release);
        reserved.clear();
        byOffset.clear();
    }
}
