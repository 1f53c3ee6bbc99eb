package io.fovea.core.cli;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Refuses secrets in {@code --set}: a command line is seen by everyone who can list processes
 * and is kept in shell history. A secret is what Kafka's own clients type as a password
 * ({@code sasl.jaas.config}, {@code ssl.key.password}, ...), under any prefix
 * ({@code kafka.}, {@code kafka.producer.}, ...), any key ending in {@code password}, or the
 * schema registry's {@code basic.auth.user.info} (user:password).
 */
public final class SecretSettings {
    /** Every key Kafka's consumer, producer or admin client types as a password. */
    static final Set<String> KAFKA_PASSWORDS = kafkaPasswords();

    private SecretSettings() {}

    private static Set<String> kafkaPasswords() {
        Set<String> names = new TreeSet<>();
        Stream.of(ConsumerConfig.configDef(), ProducerConfig.configDef(), AdminClientConfig.configDef())
                .forEach(def -> def.configKeys().forEach((name, key) -> {
                    if (key.type == ConfigDef.Type.PASSWORD) {
                        names.add(name);
                    }
                }));
        return names;
    }

    public static boolean isSecret(String key) {
        String k = key.strip().toLowerCase(Locale.ROOT);
        return k.endsWith("password")
                || k.endsWith("basic.auth.user.info")
                || KAFKA_PASSWORDS.stream().anyMatch(p -> k.equals(p) || k.endsWith("." + p));
    }

    /** @throws IllegalArgumentException naming the first secret key and where it belongs instead */
    public static void refuseOnCommandLine(Map<String, String> settings) {
        settings.keySet().stream().filter(SecretSettings::isSecret).findFirst().ifPresent(key -> {
            throw new IllegalArgumentException("--set " + key + " is refused: a secret on the command line is"
                    + " visible to anyone who can list processes and stays in shell history. Put it in the"
                    + " client properties file given with --command-config FILE (docs/security.md), or in"
                    + " --config FILE or the environment (FOVEA_"
                    + key.toUpperCase(Locale.ROOT).replace('.', '_') + ")");
        });
    }
}
