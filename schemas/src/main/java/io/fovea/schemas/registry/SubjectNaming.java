package io.fovea.schemas.registry;

import java.util.Arrays;
import java.util.Locale;
import org.apache.avro.Schema;

/**
 * The subject a record value's schema is registered under, as Confluent's serializers name it
 * ({@code value.subject.name.strategy}): TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy.
 */
public enum SubjectNaming {
    /** {@code <topic>-value}: one schema (and its versions) per topic. */
    TOPIC("topic"),
    /** The record's full name: one schema per record type, whatever the topic. */
    RECORD("record"),
    /** {@code <topic>-<record full name>}: several record types on one topic. */
    TOPIC_RECORD("topic-record");

    private final String option;

    SubjectNaming(String option) {
        this.option = option;
    }

    public String option() {
        return option;
    }

    public String subject(String topic, Schema schema) {
        return switch (this) {
            case TOPIC -> topic + "-value";
            case RECORD -> schema.getFullName();
            case TOPIC_RECORD -> topic + "-" + schema.getFullName();
        };
    }

    public static SubjectNaming parse(String text) {
        String name = text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(s -> s.option.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "'" + text + "' is not a subject naming strategy: topic, record or topic-record"));
    }
}
