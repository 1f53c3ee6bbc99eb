package io.fovea.schemas.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How this process reaches its Kafka cluster: the bootstrap servers and the settings every client
 * it makes shares (security.protocol, sasl.*, ssl.*, timeouts), as in a Kafka CLI tool's
 * {@code --command-config} file. Each client gets the settings its own type knows, then the
 * settings its code fixes (an exactly-once reader's isolation level is not the file's to change).
 * {@link #toString()} names the cluster and the protocol, never a secret.
 */
public final class KafkaConnection {
    /** How long an admin call may take before a command gives up with an error. */
    public static final int ADMIN_TIMEOUT_MS = 30_000;

    private final Map<String, String> settings;

    private KafkaConnection(Map<String, String> settings) {
        String bootstrap = settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are required (--bootstrap HOST:PORT, or "
                    + CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG + " in --command-config)");
        }
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** A plaintext cluster without authentication. */
    public static KafkaConnection to(String bootstrapServers) {
        return of(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Client settings by Kafka's names, {@code bootstrap.servers} among them. */
    public static KafkaConnection of(Map<String, String> settings) {
        return new KafkaConnection(settings);
    }

    /**
     * The settings of a properties file (may be null), with {@code bootstrap} (may be null) in
     * place of the file's bootstrap servers.
     */
    public static KafkaConnection load(String bootstrap, Path commandConfig) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (commandConfig != null) {
            settings.putAll(readProperties(commandConfig));
        }
        if (bootstrap != null && !bootstrap.isBlank()) {
            settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        }
        return new KafkaConnection(settings);
    }

    public static Map<String, String> readProperties(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Kafka client properties " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        props.stringPropertyNames().stream()
                .sorted()
                .forEach(key -> settings.put(key, props.getProperty(key).trim()));
        return settings;
    }

    public String bootstrapServers() {
        return settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }

    /** Every setting as given, secrets included: for Kafka Streams, which sorts them out itself. */
    public Map<String, String> settings() {
        return settings;
    }

    public Map<String, Object> admin() {
        Map<String, Object> config = only(AdminClientConfig.configNames());
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ADMIN_TIMEOUT_MS);
        return config;
    }

    public Admin newAdmin() {
        return Admin.create(admin());
    }

    /** Producer settings: ours, with {@code fixed} taking precedence. */
    public Map<String, Object> producer(Map<String, Object> fixed) {
        Map<String, Object> config = only(ProducerConfig.configNames());
        config.putAll(fixed);
        return config;
    }

    /** Consumer settings: ours, with {@code fixed} taking precedence. */
    public Map<String, Object> consumer(Map<String, Object> fixed) {
        Map<String, Object> config = only(ConsumerConfig.configNames());
        config.putAll(fixed);
        return config;
    }

    /**
     * A consumer of raw bytes that reads only committed records, commits nothing and uses no group:
     * reading changes nothing on the broker, like {@code kcat -C}. It never creates the topic it
     * looks for (an auto-created releases topic would not be compacted).
     */
    public KafkaConsumer<byte[], byte[]> committedReader(String clientId) {
        return new KafkaConsumer<>(
                consumer(Map.of(
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                        false,
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        clientId)),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    private Map<String, Object> only(Set<String> known) {
        Map<String, Object> config = new HashMap<>();
        settings.forEach((key, value) -> {
            if (known.contains(key)) {
                config.put(key, value);
            }
        });
        return config;
    }

    /** The security protocol, PLAINTEXT unless set. */
    public String securityProtocol() {
        return settings.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
    }

    /** The settings with every secret replaced by {@code [hidden]}: what may be logged. */
    public Map<String, String> redacted() {
        Map<String, String> shown = new LinkedHashMap<>();
        settings.forEach((key, value) -> shown.put(key, isSecret(key) ? "[hidden]" : value));
        return shown;
    }

    /**
     * A secret is whatever Kafka's clients type as a password (sasl.jaas.config, ssl.*.password,
     * ...), and any unknown key that names a password, secret, token or credential.
     */
    public static boolean isSecret(String key) {
        for (ConfigDef def : new ConfigDef[] {AdminClientConfig.configDef(), ProducerConfig.configDef()}) {
            ConfigDef.ConfigKey known = def.configKeys().get(key);
            if (known != null) {
                return known.type == ConfigDef.Type.PASSWORD;
            }
        }
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password")
                || k.contains("secret")
                || k.contains("token")
                || k.contains("credential")
                || k.contains("jaas");
    }

    /** e.g. {@code 127.0.0.1:9093 (SASL_SSL, SCRAM-SHA-512)}. */
    @Override
    public String toString() {
        String protocol = securityProtocol();
        String mechanism = settings.get(SaslConfigs.SASL_MECHANISM);
        return bootstrapServers() + " (" + protocol
                + (protocol.startsWith("SASL") ? ", " + (mechanism == null ? "GSSAPI" : mechanism) : "") + ")";
    }
}
