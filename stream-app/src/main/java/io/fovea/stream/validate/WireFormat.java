package io.fovea.stream.validate;

import io.fovea.core.image.ImageDecoder;
import io.fovea.schemas.serde.RegistryFraming;
import io.fovea.schemas.serde.SingleObjectEncoding;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The shapes of an input record value Fovea reads, told apart by their first bytes. */
public enum WireFormat {
    /** Avro single-object encoding: C3 01 + 8-byte schema fingerprint + body. */
    SINGLE_OBJECT("single-object"),
    /** Schema-registry framing: 00 + 4-byte schema id + Avro body. */
    REGISTRY("registry"),
    /** A plain PNG or JPEG file; id from the key, label and attributes from headers. */
    FILE("file");

    private final String option;

    WireFormat(String option) {
        this.option = option;
    }

    /** The name in input.formats and output.format. */
    public String option() {
        return option;
    }

    /** @return the format the value starts like, or null for none */
    public static WireFormat of(byte[] value) {
        if (value == null || value.length == 0) {
            return null;
        }
        if (value[0] == SingleObjectEncoding.MAGIC_0
                && (value.length < 2 || value[1] == SingleObjectEncoding.MAGIC_1)) {
            return SINGLE_OBJECT;
        }
        if (RegistryFraming.startsFramed(value)) {
            return REGISTRY;
        }
        return ImageDecoder.fileFormatOf(value) != null ? FILE : null;
    }

    /** Parses a comma-separated list such as {@code single-object,registry,file}. */
    public static Set<WireFormat> parseList(String text) {
        Set<WireFormat> formats = EnumSet.noneOf(WireFormat.class);
        for (String part : text.split(",")) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) {
                formats.add(Arrays.stream(values())
                        .filter(f -> f.option.equals(name))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("'" + name + "' is not a wire format: one of "
                                + names(EnumSet.allOf(WireFormat.class)))));
            }
        }
        if (formats.isEmpty()) {
            throw new IllegalArgumentException(
                    "no wire format named: one or more of " + names(EnumSet.allOf(WireFormat.class)));
        }
        return formats;
    }

    public static String names(Set<WireFormat> formats) {
        return formats.stream().map(WireFormat::option).collect(Collectors.joining(","));
    }
}
