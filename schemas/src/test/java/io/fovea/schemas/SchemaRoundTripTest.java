package io.fovea.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.ModelRelease;
import io.fovea.avro.Prediction;
import io.fovea.schemas.serde.AvroSerde;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.SingleObjectCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaRoundTripTest {

    static Stream<SpecificRecord> samples() {
        return Stream.of(
                SampleRecords.imageEvent(),
                SampleRecords.prediction(),
                SampleRecords.deadLetter(),
                SampleRecords.modelRelease());
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> SingleObjectCodec<T> codecOf(T record) {
        return (SingleObjectCodec<T>) FoveaRecords.ALL.stream()
                .filter(codec -> codec.type() == record.getClass())
                .findFirst()
                .orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("samples")
    <T extends SpecificRecord> void everyRecordTypeSurvivesEncodeAndDecode(T record) {
        SingleObjectCodec<T> codec = codecOf(record);
        byte[] bytes = codec.encode(record);
        assertEquals(record, codec.decode(bytes));
        assertEquals(record, FoveaRecords.decodeAny(bytes));
    }

    @ParameterizedTest
    @MethodSource("samples")
    <T extends SpecificRecord> void bytesAreExactlyWhatAvrosReferenceSingleObjectEncoderWrites(T record)
            throws Exception {
        SingleObjectCodec<T> codec = codecOf(record);
        BinaryMessageEncoder<T> reference = new BinaryMessageEncoder<>(SpecificData.get(), codec.schema());
        ByteBuffer expected = reference.encode(record);
        byte[] ours = codec.encode(record);
        assertArrayEquals(Arrays.copyOfRange(expected.array(), expected.arrayOffset(), expected.limit()), ours);

        BinaryMessageDecoder<T> referenceDecoder = new BinaryMessageDecoder<>(SpecificData.get(), codec.schema());
        assertEquals(record, referenceDecoder.decode(ours));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void encodingStartsWithMagicAndLittleEndianFingerprint(SpecificRecord record) {
        SingleObjectCodec<SpecificRecord> codec = codecOf(record);
        byte[] bytes = codec.encode(record);
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong();
        assertEquals(org.apache.avro.SchemaNormalization.parsingFingerprint64(record.getSchema()), fingerprint);
    }

    @org.junit.jupiter.api.Test
    void kafkaSerdesRoundTripEachType() {
        roundTrip(AvroSerde.imageEvents(), SampleRecords.imageEvent());
        roundTrip(AvroSerde.predictions(), SampleRecords.prediction());
        roundTrip(AvroSerde.deadLetters(), SampleRecords.deadLetter());
        roundTrip(AvroSerde.modelReleases(), SampleRecords.modelRelease());
    }

    @org.junit.jupiter.api.Test
    void decodeAnyReturnsTheRecordTypeNamedByTheFingerprint() {
        assertInstanceOf(
                ImageEvent.class, FoveaRecords.decodeAny(FoveaRecords.IMAGE_EVENT.encode(SampleRecords.imageEvent())));
        assertInstanceOf(
                Prediction.class, FoveaRecords.decodeAny(FoveaRecords.PREDICTION.encode(SampleRecords.prediction())));
        assertInstanceOf(
                DeadLetter.class, FoveaRecords.decodeAny(FoveaRecords.DEAD_LETTER.encode(SampleRecords.deadLetter())));
        assertInstanceOf(
                ModelRelease.class,
                FoveaRecords.decodeAny(FoveaRecords.MODEL_RELEASE.encode(SampleRecords.modelRelease())));
    }

    private static <T> void roundTrip(Serde<T> serde, T record) {
        byte[] bytes = serde.serializer().serialize("t", record);
        assertEquals(record, serde.deserializer().deserialize("t", bytes));
    }
}
