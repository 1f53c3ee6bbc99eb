package io.fovea.core.store;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Announces a promotion or rollback on the releases topic as part of the change itself, so that
 * the order of announcements is the order of changes: a store with a ledger commits the record in
 * the ledger's transaction; the directory store sends it while it holds the promotions lock.
 */
public interface Announcer {
    /** Announces nothing: the change is only in the store. */
    Announcer NONE = new Announcer() {
        @Override
        public ProducerRecord<byte[], byte[]> record(ModelStore store, String model, Promotions.Change change) {
            return null;
        }

        @Override
        public void send(ProducerRecord<byte[], byte[]> record) {}
    };

    /** The record announcing {@code change} of {@code model} in {@code store}; null for none. */
    ProducerRecord<byte[], byte[]> record(ModelStore store, String model, Promotions.Change change);

    /** Sends a record on its own and waits for the broker to acknowledge it. */
    void send(ProducerRecord<byte[], byte[]> record);
}
