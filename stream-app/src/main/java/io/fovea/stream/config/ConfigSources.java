package io.fovea.stream.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where settings come from, in rising precedence: the options' defaults, a properties file,
 * environment variables ({@code FOVEA_MAX_BATCH_SIZE} for {@code max.batch.size}, {@code
 * FOVEA_KAFKA_...} for {@code kafka....}) and the command line. Unknown keys are errors.
 */
final class ConfigSources {
    private static final String ENV_PREFIX = "FOVEA_";
    private static final String KAFKA_ENV_PREFIX = ENV_PREFIX + "KAFKA_";

    private ConfigSources() {}

    /** Every setting as text, the last source winning. */
    static Map<String, String> merge(Path file, Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        StreamOptions.ALL.forEach(option -> values.put(option.key(), option.defaultValue()));
        if (file != null) {
            readFile(file).forEach((key, value) -> values.put(checkKnown(key, file.toString()), value));
        }
        environment.forEach((name, value) -> {
            if (name.startsWith(KAFKA_ENV_PREFIX)) {
                values.put(KafkaSettings.prefixed(keyOf(name.substring(KAFKA_ENV_PREFIX.length()))), value);
            } else if (name.startsWith(ENV_PREFIX)) {
                String key = keyOf(name.substring(ENV_PREFIX.length()));
                if (StreamOptions.find(key).isPresent()) {
                    values.put(key, value);
                }
            }
        });
        overrides.forEach((key, value) -> values.put(checkKnown(key, "the command line"), value));
        return values;
    }

    private static Map<String, String> readFile(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file, e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(key -> values.put(key, props.getProperty(key)));
        return values;
    }

    /** {@code MAX_BATCH_SIZE} is {@code max.batch.size}. */
    private static String keyOf(String variable) {
        return variable.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static String checkKnown(String key, String where) {
        if (StreamOptions.find(key).isEmpty() && !KafkaSettings.isKafka(key)) {
            throw new IllegalArgumentException("unknown setting '" + key + "' in " + where + "; known: "
                    + StreamOptions.ALL.stream().map(ConfigOption::key).toList()
                    + " and kafka.* for Kafka Streams");
        }
        return key;
    }
}
