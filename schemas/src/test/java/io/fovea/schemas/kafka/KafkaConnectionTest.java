package io.fovea.schemas.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectionTest {
    private static final String JAAS =
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"s3cret\";";

    @TempDir
    Path dir;

    @Test
    void aCommandConfigFileReachesEveryKindOfClientAndTheFlagNamesTheCluster() throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                bootstrap.servers=file-host:9093
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=%s
                compression.type=zstd
                isolation.level=read_uncommitted
                """.formatted(JAAS));

        KafkaConnection kafka = KafkaConnection.load("flag-host:9093", file);

        assertEquals("flag-host:9093", kafka.bootstrapServers());
        for (Map<String, Object> client : java.util.List.of(
                kafka.admin(), kafka.producer(Map.of()), kafka.consumer(Map.of("isolation.level", "read_committed")))) {
            assertEquals("SASL_SSL", client.get("security.protocol"));
            assertEquals(JAAS, client.get("sasl.jaas.config"));
        }
        assertEquals("zstd", kafka.producer(Map.of()).get("compression.type"), "a producer setting reaches producers");
        assertFalse(kafka.admin().containsKey("compression.type"), "... and only them");
        assertEquals(
                "read_committed",
                kafka.consumer(Map.of("isolation.level", "read_committed")).get("isolation.level"),
                "what the code fixes wins over the file");
    }

    @Test
    void secretsAreHiddenWhereverTheConnectionIsShown() {
        KafkaConnection kafka = KafkaConnection.of(Map.of(
                "bootstrap.servers", "h:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", JAAS,
                "ssl.truststore.password", "s3cret",
                "my.vault.token", "s3cret"));

        assertEquals("h:9093 (SASL_SSL, SCRAM-SHA-512)", kafka.toString());
        assertFalse(
                kafka.redacted().toString().contains("s3cret"), kafka.redacted().toString());
        assertEquals("SCRAM-SHA-512", kafka.redacted().get("sasl.mechanism"));
        assertTrue(KafkaConnection.isSecret("sasl.jaas.config"));
        assertFalse(KafkaConnection.isSecret("ssl.truststore.location"));
    }

    @Test
    void withoutBootstrapServersItSaysHowToGiveThem() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> KafkaConnection.load(null, null));
        assertTrue(e.getMessage().contains("--bootstrap"), e.getMessage());
    }
}
