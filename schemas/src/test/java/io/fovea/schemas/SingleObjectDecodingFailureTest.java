package io.fovea.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetterReason;
import io.fovea.schemas.serde.AvroSerde;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SingleObjectDecodingFailureTest {
    private final byte[] valid = FoveaRecords.IMAGE_EVENT.encode(SampleRecords.imageEvent());

    private static UndecodableRecordException decodeFails(byte[] bytes) {
        return assertThrows(UndecodableRecordException.class, () -> FoveaRecords.IMAGE_EVENT.decode(bytes));
    }

    @Test
    void nullIsRefusedByTheCodecButIsATombstoneForTheKafkaDeserializer() {
        UndecodableRecordException e = decodeFails(null);
        assertEquals(DeadLetterReason.NULL_VALUE, e.reason());
        assertTrue(e.getMessage().contains("got null"), e.getMessage());
        assertNull(AvroSerde.imageEvents().deserializer().deserialize("t", null));
    }

    @Test
    void jsonIsNotSingleObjectEncodingAndTheErrorShowsTheBytesReceived() {
        UndecodableRecordException e = decodeFails("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(DeadLetterReason.NOT_SINGLE_OBJECT_AVRO, e.reason());
        assertTrue(e.getMessage().contains("starting 7B 22 69 64"), e.getMessage());
    }

    @Test
    void emptyBytesAreNotSingleObjectEncoding() {
        assertEquals(
                DeadLetterReason.NOT_SINGLE_OBJECT_AVRO,
                decodeFails(new byte[0]).reason());
    }

    @Test
    void wrongSecondMagicByteIsRefused() {
        byte[] bytes = valid.clone();
        bytes[1] = 0x02;
        UndecodableRecordException e = decodeFails(bytes);
        assertEquals(DeadLetterReason.NOT_SINGLE_OBJECT_AVRO, e.reason());
        assertTrue(e.getMessage().contains("C3 02"), e.getMessage());
    }

    @Test
    void headerCutShortIsTruncated() {
        UndecodableRecordException e = decodeFails(Arrays.copyOf(valid, 6));
        assertEquals(DeadLetterReason.TRUNCATED, e.reason());
        assertTrue(e.getMessage().contains("got 6"), e.getMessage());
    }

    @Test
    void bodyCutShortAtEveryLengthIsTruncatedOrMalformedNeverAnotherException() {
        for (int length = 10; length < valid.length; length++) {
            UndecodableRecordException e = decodeFails(Arrays.copyOf(valid, length));
            assertTrue(
                    e.reason() == DeadLetterReason.TRUNCATED || e.reason() == DeadLetterReason.MALFORMED_AVRO,
                    "length " + length + ": " + e.getMessage());
        }
        assertEquals(
                DeadLetterReason.TRUNCATED,
                decodeFails(Arrays.copyOf(valid, valid.length - 1)).reason());
    }

    @Test
    void unknownFingerprintIsNamedInTheError() {
        byte[] bytes = valid.clone();
        for (int i = 2; i < 10; i++) {
            bytes[i] = (byte) 0xAA;
        }
        UndecodableRecordException e = decodeFails(bytes);
        assertEquals(DeadLetterReason.UNKNOWN_SCHEMA_FINGERPRINT, e.reason());
        assertTrue(e.getMessage().contains("AA AA AA AA AA AA AA AA"), e.getMessage());
        assertTrue(e.getMessage().contains("no Fovea schema has it"), e.getMessage());
    }

    @Test
    void aRecordOfAnotherFoveaTypeIsNamedAsSuch() {
        byte[] prediction = FoveaRecords.PREDICTION.encode(SampleRecords.prediction());
        UndecodableRecordException e = decodeFails(prediction);
        assertEquals(DeadLetterReason.UNKNOWN_SCHEMA_FINGERPRINT, e.reason());
        assertTrue(e.getMessage().contains("fingerprint of Prediction, not ImageEvent"), e.getMessage());
    }

    @Test
    void trailingBytesAfterTheRecordAreMalformed() {
        byte[] bytes = Arrays.copyOf(valid, valid.length + 3);
        assertEquals(DeadLetterReason.MALFORMED_AVRO, decodeFails(bytes).reason());
    }

    @Test
    void theKafkaDeserializerThrowsTheSameClearErrors() {
        UndecodableRecordException e = assertThrows(
                UndecodableRecordException.class,
                () -> AvroSerde.imageEvents().deserializer().deserialize("t", Arrays.copyOf(valid, 4)));
        assertEquals(DeadLetterReason.TRUNCATED, e.reason());
    }

    @Test
    void decodeAnyRefusesUnknownFingerprints() {
        byte[] bytes = valid.clone();
        bytes[5] ^= 0x5A;
        UndecodableRecordException e =
                assertThrows(UndecodableRecordException.class, () -> FoveaRecords.decodeAny(bytes));
        assertEquals(DeadLetterReason.UNKNOWN_SCHEMA_FINGERPRINT, e.reason());
    }
}
