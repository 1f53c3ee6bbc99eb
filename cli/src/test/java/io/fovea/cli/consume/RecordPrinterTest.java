package io.fovea.cli.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.core.events.ImageEvents;
import io.fovea.schemas.serde.FoveaRecords;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RecordPrinterTest {
    private static final String ESC = "\u001b";

    private static String printed(boolean json, byte[] value) {
        StringWriter text = new StringWriter();
        new RecordPrinter(new PrintWriter(text), json, 10)
                .print(new ConsumerRecord<>("fovea.images", 0, 7, null, value));
        return text.toString();
    }

    private static byte[] hostileImage() {
        return FoveaRecords.IMAGE_EVENT.encode(ImageEvent.newBuilder()
                .setId("img-1" + ESC + "[2J" + ESC + "]0;pwned\u0007\r\u009b31m\u202eevil")
                .setEventTime(Instant.EPOCH)
                .setWidth(1)
                .setHeight(1)
                .setChannels(3)
                .setPixelFormat(PixelFormat.RGB8_HWC)
                .setPixels(ByteBuffer.wrap(new byte[3]))
                .setLabel(1)
                .setAttributes(Map.of(ImageEvents.LABEL_NAME, "chat\u00e9 \u732b" + ESC + "[1A\u007f"))
                .build());
    }

    @Test
    void producerStringsArePrintedWithTheirControlCharactersEscaped() {
        String line = printed(false, hostileImage());
        assertEquals(1, line.split("\n", -1).length - 1, "one line: " + line);
        for (char c : line.substring(0, line.length() - 1).toCharArray()) {
            assertFalse(c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u202e', "raw control " + (int) c + ": " + line);
        }
        assertTrue(line.contains("img-1\\u001b[2J\\u001b]0;pwned\\u0007\\u000d\\u009b31m\\u202eevil"), line);
        assertTrue(line.contains("(chat\u00e9 \u732b\\u001b[1A\\u007f)"), "ordinary Unicode stays: " + line);
    }

    @Test
    void jsonOutputStaysFreeOfRawControlCharacters() {
        String line = printed(true, hostileImage());
        assertFalse(
                line.substring(0, line.length() - 1).chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)), line);
        assertFalse(line.contains(ESC), line);
    }

    @Test
    void undecodableRecordsAreEscapedToo() {
        String line = printed(false, ("junk" + ESC + "[2J").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(line.contains("UNDECODABLE"), line);
        assertFalse(line.contains(ESC), line);
    }
}
