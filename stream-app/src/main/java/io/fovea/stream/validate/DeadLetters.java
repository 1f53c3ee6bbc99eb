package io.fovea.stream.validate;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds the DeadLetter of a refused record, keeping its bytes for inspection and replay. */
public final class DeadLetters {
    private DeadLetters() {
    }

    public static DeadLetter of(DeadLetterReason reason, String message, String topic, int partition, long offset,
                                byte[] key, byte[] value, Instant failedAt) {
        return DeadLetter.newBuilder()
                .setReason(reason)
                .setMessage(message == null ? reason.name() : message)
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setFailedAt(failedAt)
                .build();
    }
}
