package io.fovea.core.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretSettingsTest {
    @Test
    void everyPasswordTypedKafkaSettingIsRefusedUnderAnyPrefix() {
        assertTrue(
                SecretSettings.KAFKA_PASSWORDS.contains("sasl.jaas.config"), SecretSettings.KAFKA_PASSWORDS.toString());
        assertTrue(SecretSettings.KAFKA_PASSWORDS.contains("ssl.keystore.key"), "PEM keys are Kafka passwords too");
        for (String key : SecretSettings.KAFKA_PASSWORDS) {
            assertTrue(SecretSettings.isSecret("kafka." + key), key);
            assertTrue(SecretSettings.isSecret("kafka.producer." + key), key);
        }
        assertTrue(SecretSettings.isSecret("kafka.SSL.TRUSTSTORE.PASSWORD"));
        assertTrue(SecretSettings.isSecret("kafka.some.vendor.password"));
    }

    @Test
    void ordinarySettingsAndFileLocationsPass() {
        for (String key : new String[] {
            "max.batch.size", "kafka.security.protocol", "kafka.ssl.truststore.location", "kafka.sasl.mechanism"
        }) {
            assertFalse(SecretSettings.isSecret(key), key);
        }
        assertDoesNotThrow(() -> SecretSettings.refuseOnCommandLine(Map.of("kafka.sasl.mechanism", "PLAIN")));
    }

    @Test
    void theRefusalPointsToCommandConfig() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("max.batch.size", "8");
        settings.put("kafka.sasl.jaas.config", "x required password=\"s3cret\";");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SecretSettings.refuseOnCommandLine(settings));
        assertTrue(e.getMessage().contains("--set kafka.sasl.jaas.config is refused"), e.getMessage());
        assertTrue(e.getMessage().contains("--command-config FILE"), e.getMessage());
        assertTrue(e.getMessage().contains("FOVEA_KAFKA_SASL_JAAS_CONFIG"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), "the secret itself is never repeated");
    }
}
