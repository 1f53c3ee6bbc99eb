package io.fovea.stream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.stream.model.backend.BackendSettings;
import io.fovea.stream.model.backend.OnnxSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamConfigTest {
    private static final OptionalLong AUTO = OptionalLong.empty();

    @TempDir
    Path dir;

    @Test
    void kafkaSettingsFromTheEnvironmentReachEveryClientNotOnlyKafkaStreams() {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";";
        StreamConfig config = StreamConfig.load(
                null,
                Map.of(
                        "FOVEA_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "FOVEA_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                        "FOVEA_KAFKA_SASL_JAAS_CONFIG", jaas),
                Map.of(StreamOptions.BOOTSTRAP_SERVERS.key(), "h:9093", "kafka.num.standby.replicas", "1"));

        assertEquals(jaas, config.streamsProperties().get("sasl.jaas.config"));
        assertEquals(jaas, config.connection().admin().get("sasl.jaas.config"));
        assertEquals("SASL_SSL", config.connection().consumer(Map.of()).get("security.protocol"));
        assertEquals("SCRAM-SHA-512", config.connection().producer(Map.of()).get("sasl.mechanism"));
        assertEquals("h:9093", config.connection().bootstrapServers());
        assertTrue(
                !config.connection().admin().containsKey("num.standby.replicas"),
                "a Kafka Streams setting stays with Kafka Streams");
        assertEquals("h:9093 (SASL_SSL, SCRAM-SHA-512)", config.connection().toString());
    }

    @Test
    void fileThenEnvironmentThenFlagsEachOverrideTheLast() throws IOException {
        Path file = dir.resolve("fovea.properties");
        Files.writeString(
                file,
                "bootstrap.servers=file:1\nmax.batch.size=8\nmax.batch.wait.ms=20\ntop.k=4\nkafka.num.standby.replicas=1\n");
        StreamConfig config = StreamConfig.load(
                file,
                Map.of(
                        "FOVEA_MAX_BATCH_SIZE",
                        "16",
                        "FOVEA_MAX_BATCH_WAIT_MS",
                        "30",
                        "FOVEA_KAFKA_REPLICATION_FACTOR",
                        "3",
                        "PATH",
                        "/bin"),
                Map.of("max.batch.size", "64"));
        assertEquals(64, config.get(StreamOptions.MAX_BATCH_SIZE));
        assertEquals(30, config.get(StreamOptions.MAX_BATCH_WAIT_MS).toMillis());
        assertEquals(4, config.get(StreamOptions.TOP_K));
        assertEquals("fovea.images", config.get(StreamOptions.INPUT_TOPIC));
        Properties streams = config.streamsProperties();
        assertEquals("file:1", streams.get("bootstrap.servers"));
        assertEquals("1", streams.get("num.standby.replicas"));
        assertEquals("3", streams.get("replication.factor"));
        assertEquals("exactly_once_v2", streams.get("processing.guarantee"));
    }

    @Test
    void waitsForTheModelEndByHalfTheProducersTransactionTimeoutUnderExactlyOnceOnly() {
        Map<String, String> base = Map.of(StreamOptions.BOOTSTRAP_SERVERS.key(), "h:9092");
        assertEquals(
                Optional.of(Duration.ofSeconds(5)),
                StreamConfig.of(base).waitAllowance().limit(),
                "Kafka Streams' own 10 s");
        Map<String, String> shorter = new HashMap<>(base);
        shorter.put("kafka.transaction.timeout.ms", "4000");
        assertEquals(
                Optional.of(Duration.ofSeconds(2)),
                StreamConfig.of(shorter).waitAllowance().limit());
        Map<String, String> producerOnly = new HashMap<>(base);
        producerOnly.put("kafka.producer.transaction.timeout.ms", "30000");
        assertEquals(
                Optional.of(Duration.ofSeconds(15)),
                StreamConfig.of(producerOnly).waitAllowance().limit());
        Map<String, String> atLeastOnce = new HashMap<>(base);
        atLeastOnce.put(StreamOptions.PROCESSING_GUARANTEE.key(), StreamsConfig.AT_LEAST_ONCE);
        assertEquals(
                Optional.empty(), StreamConfig.of(atLeastOnce).waitAllowance().limit());
    }

    @Test
    void mistakesAreClearErrors() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StreamConfig.of(Map.of()))
                .getMessage()
                .startsWith("bootstrap.servers is required"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> StreamConfig.of(Map.of("bootstrap.servers", "x", "max.bach.size", "3")))
                .getMessage()
                .startsWith("unknown setting 'max.bach.size'"));
        assertEquals(
                "max.batch.size must be a whole number, got 'many'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> StreamConfig.of(Map.of("bootstrap.servers", "x", "max.batch.size", "many")))
                        .getMessage());
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> StreamConfig.of(Map.of("bootstrap.servers", "x", "processing.guarantee", "exactly_once")))
                .getMessage()
                .contains("exactly_once_v2 or at_least_once"));
    }

    @Test
    void theReadmeDocumentsEveryKnob() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolve("../docs/operations.md"));
        for (ConfigOption<?> option : StreamOptions.ALL) {
            assertTrue(
                    readme.contains("| `" + option.key() + "` |"),
                    option.key() + " is not in docs/operations.md's configuration table");
        }
        int start = readme.indexOf(ConfigTable.HEADER);
        assertTrue(start >= 0, "docs/operations.md has no configuration table");
        int end = readme.indexOf("\n\n", start);
        assertEquals(
                ConfigTable.markdown(StreamOptions.ALL),
                readme.substring(start, end + 1),
                "docs/operations.md's configuration table is generated from StreamOptions: paste ConfigTable's");
    }

    @Test
    void everyOptionsDefaultPassesItsOwnCheck() {
        for (ConfigOption<?> option : StreamOptions.ALL) {
            option.parse(option.defaultValue());
        }
    }

    @Test
    void typedValuesAndSpecialValues() {
        StreamConfig config = StreamConfig.of(Map.of(
                "bootstrap.servers", "x", "max.payload.bytes", "5000", "http.port", "-1", "instance.id", "dynamic"));
        assertEquals(OptionalLong.of(5000), config.get(StreamOptions.MAX_PAYLOAD_BYTES));
        assertEquals(OptionalLong.empty(), config.get(StreamOptions.MAX_IMAGE_PIXELS), "auto");
        assertEquals(-1, config.get(StreamOptions.HTTP_PORT), "off");
        assertEquals(null, config.instanceId(), "dynamic: no static membership");
        assertEquals(
                "max.payload.bytes must be positive or auto, got 0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> StreamConfig.of(Map.of("bootstrap.servers", "x", "max.payload.bytes", "0")))
                        .getMessage());
        assertEquals(
                "top.k must be a whole number, got '3.5'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> StreamConfig.load(
                                        null, Map.of("FOVEA_TOP_K", "3.5"), Map.of("bootstrap.servers", "x")))
                        .getMessage());
    }

    @Test
    void kafkaStreamsCommitsAtTheBacklogPaceAndServeAsksForTheFasterOneOnlyWhenItIsFaster() {
        StreamConfig defaults = StreamConfig.of(Map.of("bootstrap.servers", "x"));
        assertEquals(1000L, defaults.streamsProperties().get("commit.interval.ms"));
        assertEquals(
                Optional.of(Duration.ofMillis(50)),
                defaults.commitPace(period -> false, null).lookEvery());

        StreamConfig onePace = StreamConfig.of(
                Map.of("bootstrap.servers", "x", "commit.interval.ms", "2000", "commit.interval.backlog.ms", "500"));
        assertEquals(2000L, onePace.streamsProperties().get("commit.interval.ms"));
        assertEquals(Optional.empty(), onePace.commitPace(period -> false, null).lookEvery());
    }

    @Test
    void theStreamThreadNeverWaitsInPollLongerThanKafkasDefaultWhateverTheBatchWait() {
        Properties byDefault = StreamConfig.of(Map.of("bootstrap.servers", "x")).streamsProperties();
        assertEquals(1L, byDefault.get(StreamsConfig.POLL_MS_CONFIG), "a turn every 1 ms, to close and emit");
        Properties tenMillis = StreamConfig.of(Map.of(
                        "bootstrap.servers", "x", "max.batch.wait.ms", "10", "batch.close.when.queue.empty", "false"))
                .streamsProperties();
        assertEquals(5L, tenMillis.get(StreamsConfig.POLL_MS_CONFIG), "half the wait, for punctual deadlines");
        Properties tenMinutes = StreamConfig.of(Map.of(
                        "bootstrap.servers",
                        "x",
                        "max.batch.wait.ms",
                        "600000",
                        "batch.close.when.queue.empty",
                        "false"))
                .streamsProperties();
        assertEquals(100L, tenMinutes.get(StreamsConfig.POLL_MS_CONFIG), "a stop must not wait out a long poll");
    }

    @Test
    void theMainConsumersFetchWaitsForAFewImagesOrABatchsDeadlineNotForEachRecord() {
        Map<String, String> consumer = mainConsumer(Map.of("bootstrap.servers", "x", "max.batch.wait.ms", "10"));
        assertEquals("65536", consumer.get(ConsumerConfig.FETCH_MIN_BYTES_CONFIG));
        assertEquals("10", consumer.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));

        Map<String, String> longWait = mainConsumer(Map.of("bootstrap.servers", "x", "max.batch.wait.ms", "600000"));
        assertEquals("500", longWait.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "never past Kafka's own default");
    }

    @Test
    void aKafkaFetchSettingForAnyConsumerReplacesServesFetchDefaults() {
        Map<String, String> consumer =
                mainConsumer(Map.of("bootstrap.servers", "x", "kafka.consumer.fetch.min.bytes", "1"));
        assertEquals("1", consumer.get(ConsumerConfig.FETCH_MIN_BYTES_CONFIG));
        assertEquals(null, consumer.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "Kafka's default, not ours");

        Map<String, String> plain = mainConsumer(Map.of("bootstrap.servers", "x", "kafka.fetch.max.wait.ms", "50"));
        assertEquals("50", plain.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
        assertEquals(null, plain.get(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), "Kafka's default, not ours");
    }

    /** The main consumer's settings as Kafka Streams resolves them from serve's configuration, as text. */
    private static Map<String, String> mainConsumer(Map<String, String> settings) {
        Map<String, String> text = new HashMap<>();
        new StreamsConfig(StreamConfig.of(settings).streamsProperties())
                .getMainConsumerConfigs("group", "client", 0)
                .forEach((key, value) -> text.put(key, String.valueOf(value)));
        return text;
    }

    @Test
    void autoDecodeLimitsAreSizedFromTheHeapAndOneImageAtThePixelLimitFitsTheCap() {
        DecodeLimits limits = DecodeLimits.of(AUTO, AUTO, 600_000_000L);
        assertEquals(10_000_000, limits.maxImagePixels(), "a quarter of the heap over 15 bytes a pixel");
        assertEquals(150_000_000, limits.maxDecodedBytes(), "a quarter of the heap");
        assertEquals(
                4096 * 4096,
                DecodeLimits.of(AUTO, AUTO, 8_000_000_000L).maxImagePixels(),
                "no more than 4096x4096 however large the heap");
        assertTrue(limits.maxImagePixels() * 3 <= limits.maxDecodedBytes());
        DecodeLimits here = StreamConfig.of(Map.of("bootstrap.servers", "x")).decodeLimits();
        assertEquals(Runtime.getRuntime().maxMemory() / 4, here.maxDecodedBytes());
    }

    @Test
    void aDecodedBytesCapThatCannotHoldOneImageAtThePixelLimitIsAClearError() {
        assertEquals(
                300,
                DecodeLimits.of(OptionalLong.of(100), OptionalLong.of(300), 1L << 30)
                        .maxDecodedBytes(),
                "exactly one image fits");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> StreamConfig.of(
                        Map.of("bootstrap.servers", "x", "max.image.pixels", "100", "max.decoded.bytes", "299")));
        assertEquals(
                "max.decoded.bytes=299 cannot hold one image of max.image.pixels=100 (300 bytes decoded): raise it or lower the pixel limit",
                e.getMessage());
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> StreamConfig.of(Map.of("bootstrap.servers", "x", "max.image.pixels", "lots")))
                .getMessage()
                .startsWith("max.image.pixels must be a whole number or auto"));
    }

    @Test
    void twoPassesAtOnceUnlessSetAndNeverFewerThanOne() {
        assertEquals(2, StreamConfig.of(Map.of("bootstrap.servers", "x")).get(ModelOptions.INFERENCE_PASSES));
        assertEquals(
                1,
                StreamConfig.of(Map.of("bootstrap.servers", "x", "inference.passes", "1"))
                        .get(ModelOptions.INFERENCE_PASSES));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> StreamConfig.of(Map.of("bootstrap.servers", "x", "inference.passes", "0")))
                .getMessage()
                .contains("inference.passes"));
    }

    @Test
    void onnxThreadsZeroShareTheCoresOutAmongThePassesAndASetNumberIsKept() {
        int cores = Runtime.getRuntime().availableProcessors();
        OnnxSessions two = OnnxSessions.of(new BackendSettings(Map.of("inference.passes", "2")));
        assertEquals(Math.max(1, cores / 2), two.threads());
        assertEquals(
                0,
                OnnxSessions.of(new BackendSettings(Map.of("inference.passes", "1")))
                        .threads());
        assertEquals(
                4,
                OnnxSessions.of(new BackendSettings(Map.of("inference.passes", "2", "onnx.threads", "4")))
                        .threads());
    }
}
