package io.fovea.core.store.ledger;

import io.fovea.avro.StoreAction;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What one ledger transaction appends: an entry of the model's history, and records for other
 * topics that must commit with it and in its order (a release announcing a promotion).
 *
 * @param result what the caller gets back once committed
 */
public record LedgerWrite<T>(
        StoreAction action,
        int version,
        String manifestSha256,
        List<ProducerRecord<byte[], byte[]>> alongside,
        T result) {

    public LedgerWrite {
        alongside = List.copyOf(alongside);
    }

    public static <T> LedgerWrite<T> of(StoreAction action, int version, String manifestSha256, T result) {
        return new LedgerWrite<>(action, version, manifestSha256, List.of(), result);
    }
}
