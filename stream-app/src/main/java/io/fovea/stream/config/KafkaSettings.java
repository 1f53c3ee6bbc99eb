package io.fovea.stream.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code kafka.} settings: Kafka's own, passed on without the prefix ({@code
 * kafka.num.standby.replicas=1} is Kafka Streams' {@code num.standby.replicas}).
 */
public final class KafkaSettings {
    public static final String PREFIX = "kafka.";

    private KafkaSettings() {}

    public static boolean isKafka(String key) {
        return key.startsWith(PREFIX);
    }

    /** The setting that carries Kafka's {@code kafkaKey}. */
    public static String prefixed(String kafkaKey) {
        return PREFIX + kafkaKey;
    }

    /** The {@code kafka.} settings among {@code settings}, as Kafka names them. */
    public static Map<String, String> unprefixed(Map<String, String> settings) {
        Map<String, String> kafka = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (isKafka(key)) {
                kafka.put(key.substring(PREFIX.length()), value);
            }
        });
        return kafka;
    }

    /**
     * A Kafka client's settings (a {@code --command-config} file, a connection) as stream app
     * settings: {@code bootstrap.servers} is ours, every other one a {@code kafka.} setting.
     */
    public static Map<String, String> fromClient(Map<String, String> clientSettings) {
        Map<String, String> settings = new LinkedHashMap<>();
        clientSettings.forEach((key, value) ->
                settings.put(key.equals(StreamOptions.BOOTSTRAP_SERVERS.key()) ? key : prefixed(key), value));
        return settings;
    }
}
