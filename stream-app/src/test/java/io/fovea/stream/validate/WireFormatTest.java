package io.fovea.stream.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetterReason;
import io.fovea.stream.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class WireFormatTest {
    private final ImageValidator all = new ImageValidator(100_000, 10_000, EnumSet.allOf(WireFormat.class), id -> {
        throw new io.fovea.schemas.registry.RegistryRefusalException("not found", 404, 40403);
    });

    @Test
    void eachFormatIsToldByItsFirstBytes() throws Exception {
        assertEquals(WireFormat.SINGLE_OBJECT, WireFormat.of(TestImages.bytes("a", 1, null)));
        assertEquals(WireFormat.REGISTRY, WireFormat.of(new byte[] {0, 0, 0, 0, 1, 2}));
        assertEquals(WireFormat.FILE, WireFormat.of(png(4, 3)));
        assertEquals(WireFormat.FILE, WireFormat.of(jpeg(4, 3)));
        assertEquals(null, WireFormat.of("GIF89a".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aPlainPngTakesItsIdFromTheKeyAndItsLabelTimeAndAttributesFromHeaders() throws Exception {
        Header[] headers = {
            new RecordHeader("fovea.label", "7".getBytes(StandardCharsets.UTF_8)),
            new RecordHeader("fovea.event-time", "1700000000000".getBytes(StandardCharsets.UTF_8)),
            new RecordHeader("fovea.attr.camera", "north".getBytes(StandardCharsets.UTF_8)),
            new RecordHeader("traceparent", "x".getBytes(StandardCharsets.UTF_8))
        };
        SourceRecord source =
                new SourceRecord("in", 0, 5, "cat-1".getBytes(StandardCharsets.UTF_8), png(4, 3), headers);
        AcceptedImage image = all.validate(source, 42);
        assertEquals("cat-1", image.event().getId());
        assertEquals(7, image.event().getLabel());
        assertEquals(1_700_000_000_000L, image.event().getEventTime().toEpochMilli());
        assertEquals("north", image.event().getAttributes().get("camera"));
        assertEquals(1, image.event().getAttributes().size());
        assertEquals(4, image.event().getWidth());
        assertEquals(3, image.image().height());
    }

    @Test
    void aPlainJpegWithoutKeyOrHeadersIsNamedByWhereItCameFrom() throws Exception {
        AcceptedImage image = all.validate(new SourceRecord("in", 2, 9, null, jpeg(5, 5)), 42);
        assertEquals("in-2@9", image.event().getId());
        assertEquals(42, image.event().getEventTime().toEpochMilli());
        assertEquals(null, image.event().getLabel());
    }

    @Test
    void aValueOfNoKnownFormatIsADeadLetterNamingItsFirstBytes() {
        RejectedRecordException e = assertThrows(
                RejectedRecordException.class,
                () -> all.validate(
                        new SourceRecord("in", 0, 0, null, HexFormat.of().parseHex("474946383961")), 0));
        assertEquals(DeadLetterReason.UNKNOWN_WIRE_FORMAT, e.reason());
        assertTrue(
                e.getMessage().startsWith("6 bytes starting 47 49 46 38 39 61 are none of the formats read"),
                e.getMessage());
    }

    @Test
    void aFormatLeftOutOfInputFormatsIsRefusedByName() throws Exception {
        ImageValidator onlyAvro =
                new ImageValidator(100_000, 10_000, EnumSet.of(WireFormat.SINGLE_OBJECT), WriterSchemas.NONE);
        RejectedRecordException e = assertThrows(
                RejectedRecordException.class,
                () -> onlyAvro.validate(new SourceRecord("in", 0, 0, null, png(2, 2)), 0));
        assertEquals(DeadLetterReason.WIRE_FORMAT_NOT_ACCEPTED, e.reason());
        assertTrue(
                e.getMessage().contains("are file, which input.formats=single-object does not accept"), e.getMessage());
    }

    @Test
    void anUnknownSchemaIdIsADeadLetter() {
        RejectedRecordException e = assertThrows(
                RejectedRecordException.class,
                () -> all.validate(new SourceRecord("in", 0, 0, null, new byte[] {0, 0, 0, 0, 9, 2, 'x'}), 0));
        assertEquals(DeadLetterReason.UNKNOWN_SCHEMA_ID, e.reason());
    }

    @Test
    void aCutShortRegistryHeaderIsTruncated() {
        RejectedRecordException e = assertThrows(
                RejectedRecordException.class,
                () -> all.validate(new SourceRecord("in", 0, 0, null, new byte[] {0, 0, 1}), 0));
        assertEquals(DeadLetterReason.TRUNCATED, e.reason());
    }

    @Test
    void aPlainFileWithALabelThatIsNoNumberIsRefusedSayingSo() throws Exception {
        Header[] headers = {new RecordHeader("fovea.label", "cat".getBytes(StandardCharsets.UTF_8))};
        RejectedRecordException e = assertThrows(
                RejectedRecordException.class,
                () -> all.validate(new SourceRecord("in", 0, 0, null, png(2, 2), headers), 0));
        assertTrue(e.getMessage().contains("header fovea.label must be a whole number, got 'cat'"), e.getMessage());
    }

    /** Whatever the bytes, the answer is an image or a dead-letter reason, never another exception. */
    @Property(tries = 2000)
    void arbitraryBytesAreAcceptedOrRefusedNeverThrownOn(@ForAll @Size(max = 64) byte[] value) {
        try {
            all.validate(new SourceRecord("in", 0, 0, null, value), 0);
        } catch (RejectedRecordException expected) {
            // a reason was given
        }
    }

    /** The same with each format's first bytes in front, so every path is reached. */
    @Property(tries = 2000)
    void arbitraryBodiesAfterEachSignatureAreRefusedWithAReason(
            @ForAll("signatures") byte[] start, @ForAll @Size(max = 64) byte[] body) {
        byte[] value = new byte[start.length + body.length];
        System.arraycopy(start, 0, value, 0, start.length);
        System.arraycopy(body, 0, value, start.length, body.length);
        try {
            all.validate(new SourceRecord("in", 0, 0, null, value), 0);
        } catch (RejectedRecordException expected) {
            // a reason was given
        }
    }

    @Provide
    Arbitrary<byte[]> signatures() {
        HexFormat hex = HexFormat.of();
        return Arbitraries.of(
                hex.parseHex("C301"),
                hex.parseHex("00"),
                hex.parseHex("0000000001"),
                hex.parseHex("89504E470D0A1A0A"),
                hex.parseHex("FFD8FF"));
    }

    static byte[] png(int width, int height) throws Exception {
        return file("png", width, height);
    }

    static byte[] jpeg(int width, int height) throws Exception {
        return file("jpeg", width, height);
    }

    private static byte[] file(String format, int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xFF8040);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }
}
