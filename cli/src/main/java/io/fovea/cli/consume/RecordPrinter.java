package io.fovea.cli.consume;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.ModelRelease;
import io.fovea.avro.Prediction;
import io.fovea.core.events.ImageEvents;
import io.fovea.schemas.registry.SchemaRegistryClient;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Prints one line per Fovea record, whatever its type and wire format ({@link AnyWireFormat}), and
 * keeps the counts and running accuracy for a summary. A record it cannot decode is printed
 * as such and counted; it never stops the reading.
 */
public final class RecordPrinter {
    private final PrintWriter out;
    private final boolean json;
    private final long maxLines;
    private long lines;
    private final RunningAccuracy accuracy = new RunningAccuracy();
    private final Map<String, Long> countsByType = new TreeMap<>();
    private final Map<DeadLetterReason, Long> deadLettersByReason = new EnumMap<>(DeadLetterReason.class);

    private final AnyWireFormat formats;

    /** @param maxLines print at most this many records; later ones are still counted */
    public RecordPrinter(PrintWriter out, boolean json, long maxLines) {
        this(out, json, maxLines, null);
    }

    /** @param registry reads registry-framed records; null when none is configured */
    public RecordPrinter(PrintWriter out, boolean json, long maxLines, SchemaRegistryClient registry) {
        this.formats = new AnyWireFormat(registry);
        this.out = out;
        this.json = json;
        this.maxLines = maxLines;
    }

    public void print(ConsumerRecord<byte[], byte[]> record) {
        SpecificRecord value;
        try {
            value = formats.decode(record);
        } catch (UndecodableRecordException e) {
            count("undecodable");
            if (lines++ < maxLines) {
                out.println(TerminalText.escape(String.format(
                        "%s-%d@%d UNDECODABLE %s",
                        record.topic(), record.partition(), record.offset(), e.getMessage())));
            }
            return;
        }
        count(value.getSchema().getName());
        // Every field a producer wrote passes through here, so this one place keeps them all inert.
        String line = TerminalText.escape(json ? value.toString() : describe(value));
        if (lines++ < maxLines) {
            out.println(line);
            out.flush();
        }
    }

    private String describe(SpecificRecord value) {
        if (value instanceof Prediction p) {
            return prediction(p);
        }
        if (value instanceof DeadLetter d) {
            return deadLetter(d);
        }
        if (value instanceof ImageEvent e) {
            return imageEvent(e);
        }
        if (value instanceof ModelRelease m) {
            return String.format(
                    "RELEASE %s@%d %s sha256=%s %s",
                    m.getModelName(), m.getVersion(), m.getAction(), m.getSha256(), m.getBundleUri());
        }
        return value.toString();
    }

    private String prediction(Prediction p) {
        String line = String.format(
                "%s -> %s %.3f [%s@%d, batch %d]",
                p.getId(), p.getLabel(), p.getConfidence(), p.getModelName(), p.getModelVersion(), p.getBatchSize());
        if (p.getTrueLabel() == null) {
            return line;
        }
        boolean correct = p.getTrueLabel() == p.getLabelIndex();
        accuracy.record(p.getModelName() + "@" + p.getModelVersion(), correct);
        return String.format(
                "%s %s truth=%d accuracy=%.3f (%d)",
                line, correct ? "ok" : "WRONG", p.getTrueLabel(), accuracy.accuracy(), accuracy.total());
    }

    private String deadLetter(DeadLetter d) {
        deadLettersByReason.merge(d.getReason(), 1L, Long::sum);
        String key = d.getKey() == null
                ? "(no key)"
                : StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString();
        String line = String.format(
                "DEAD %s %s from %s-%d@%d: %s",
                key, d.getReason(), d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset(), d.getMessage());
        if (!d.getTruncated()) {
            return line;
        }
        int kept = d.getValue() == null ? 0 : d.getValue().remaining();
        return line
                + String.format(
                        " [cut short to fit the topic: %d of %s value bytes kept, original SHA-256 %s]",
                        kept, d.getOriginalValueLength(), d.getOriginalValueSha256());
    }

    private static String imageEvent(ImageEvent e) {
        String label = e.getLabel() == null
                ? ""
                : " label=" + e.getLabel()
                        + (e.getAttributes().containsKey(ImageEvents.LABEL_NAME)
                                ? " (" + e.getAttributes().get(ImageEvents.LABEL_NAME) + ")"
                                : "");
        return String.format(
                "IMAGE %s %dx%dx%d %s %d bytes%s",
                e.getId(),
                e.getWidth(),
                e.getHeight(),
                e.getChannels(),
                e.getPixelFormat(),
                e.getPixels().remaining(),
                label);
    }

    private void count(String type) {
        countsByType.merge(type, 1L, Long::sum);
    }

    public Map<String, Long> countsByType() {
        return countsByType;
    }

    public Map<DeadLetterReason, Long> deadLettersByReason() {
        return deadLettersByReason;
    }

    public RunningAccuracy accuracy() {
        return accuracy;
    }

    /** A closing summary: counts by record type, dead letters by reason, accuracy per model. */
    public void printSummary(PrintWriter to) {
        to.flush();
        to.println("Read: " + (countsByType.isEmpty() ? "nothing" : countsByType));
        if (!deadLettersByReason.isEmpty()) {
            to.println("Dead letters by reason: " + deadLettersByReason);
        }
        if (accuracy.total() > 0) {
            to.printf(
                    "Accuracy: %.3f over %d labelled predictions; by model: %s%n",
                    accuracy.accuracy(), accuracy.total(), accuracy.byModel());
        }
        to.flush();
    }
}
