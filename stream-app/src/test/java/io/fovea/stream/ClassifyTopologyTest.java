package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.avro.ImageEvent;
import io.fovea.avro.PixelFormat;
import io.fovea.avro.Prediction;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.schemas.Topics;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.batch.ClassifySettings;
import io.fovea.stream.batch.CommitPace;
import io.fovea.stream.batch.WaitAllowance;
import io.fovea.stream.config.StreamConfig;
import io.fovea.stream.config.StreamOptions;
import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.CanaryGuard;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.model.ModelSlot;
import io.fovea.stream.predict.OutputEncoding;
import io.fovea.stream.validate.ImageValidator;
import io.fovea.stream.validate.UnknownPixelFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The topology with TopologyTestDriver and a fake model: batching, predictions, dead letters. */
class ClassifyTopologyTest {
    private static final int MAX_BATCH = 4;
    private static final long WAIT_MS = 10;

    private FakeModel model;
    private InferenceWorker worker;
    private StreamMetrics metrics;
    private DecodedMemory memory;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> images;
    private TestOutputTopic<byte[], byte[]> predictions;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @BeforeEach
    void start() {
        startWith(1 << 20);
    }

    private void startWith(long decodedBytesCap) {
        memory = new DecodedMemory(decodedBytesCap);
        model = new FakeModel(3);
        metrics = new StreamMetrics(new SimpleMeterRegistry(), 100);
        worker = new InferenceWorker(new ModelSlot(model), MAX_BATCH, metrics);
        StreamConfig config = StreamConfig.of(Map.of(
                StreamOptions.BOOTSTRAP_SERVERS.key(),
                "unused:9092",
                StreamOptions.MAX_BATCH_SIZE.key(),
                Integer.toString(MAX_BATCH),
                StreamOptions.MAX_BATCH_WAIT_MS.key(),
                Long.toString(WAIT_MS),
                StreamOptions.MAX_PAYLOAD_BYTES.key(),
                "5000",
                StreamOptions.MAX_IMAGE_PIXELS.key(),
                "100"));
        ClassifySettings settings = new ClassifySettings(
                Topics.IMAGES,
                FoveaTopology.PENDING_STORE,
                MAX_BATCH,
                Duration.ofMillis(WAIT_MS),
                false, // batches close at their size or deadline only, as these tests count them
                2,
                new ImageValidator(5000, 100),
                SizeBudget.atKafkaDefaults(),
                memory,
                worker,
                new CanaryGuard(worker::lineup),
                metrics,
                OutputEncoding.SINGLE_OBJECT,
                CommitPace.STREAMS_OWN,
                WaitAllowance.UNLIMITED);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(FoveaTopology.build(config, settings), props);
        images = driver.createInputTopic(Topics.IMAGES, new ByteArraySerializer(), new ByteArraySerializer());
        predictions =
                driver.createOutputTopic(Topics.PREDICTIONS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetters =
                driver.createOutputTopic(Topics.DEAD_LETTERS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
        worker.close();
    }

    private void send(String id, byte[] value) {
        images.pipeInput(id == null ? null : id.getBytes(StandardCharsets.UTF_8), value);
    }

    private List<Prediction> predicted() {
        return predictions.readValuesToList().stream()
                .map(FoveaRecords.PREDICTION::decode)
                .toList();
    }

    /**
     * Closed batches run on the inference thread; their results are emitted by the next
     * punctuation. Nudge the wall clock by 1 ms (far below the batch deadline) until they are out.
     */
    private void awaitOutput(TestOutputTopic<byte[], byte[]> topic, int records) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (topic.getQueueSize() < records) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + topic.getQueueSize() + " of " + records + " records emitted");
            }
            driver.advanceWallClockTime(Duration.ofMillis(1));
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aFullBatchIsClassifiedInOneForwardPassWithEveryFieldFilledIn() {
        for (int i = 0; i < MAX_BATCH; i++) {
            send("img-" + i, TestImages.bytes("img-" + i, i, i % 2 == 0 ? i : null));
        }
        awaitOutput(predictions, MAX_BATCH);
        List<Prediction> out = predicted();
        assertEquals(List.of(MAX_BATCH), model.batchSizes);
        assertEquals(
                List.of("img-0", "img-1", "img-2", "img-3"),
                out.stream().map(Prediction::getId).toList());
        Prediction p = out.get(2);
        assertEquals("two", p.getLabel());
        assertEquals(2, p.getLabelIndex());
        assertEquals(0.7f, p.getConfidence(), 1e-6);
        assertEquals(
                List.of("two", "three"),
                p.getTopK().stream().map(s -> s.getLabel()).toList());
        assertEquals("fake", p.getModelName());
        assertEquals(3, p.getModelVersion());
        assertEquals(MAX_BATCH, p.getBatchSize());
        assertEquals(Topics.IMAGES, p.getSource().getTopic());
        assertEquals(2L, p.getSource().getOffset());
        assertEquals(2, p.getTrueLabel());
        assertEquals(null, out.get(1).getTrueLabel());
        assertEquals(Map.of("k", "v-img-2"), p.getAttributes());
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void aPartialBatchWaitsForItsDeadlineThenCloses() {
        send("a", TestImages.bytes("a", 1, 1));
        send("b", TestImages.bytes("b", 2, 2));
        assertTrue(predictions.isEmpty(), "two of four, before the deadline");
        driver.advanceWallClockTime(Duration.ofMillis(WAIT_MS / 2));
        assertTrue(predictions.isEmpty(), "still before the deadline");
        driver.advanceWallClockTime(Duration.ofMillis(WAIT_MS));
        awaitOutput(predictions, 2);
        assertEquals(
                List.of("a", "b"), predicted().stream().map(Prediction::getId).toList());
        assertEquals(List.of(2), model.batchSizes);
        assertEquals(
                1.0,
                metrics.registry()
                        .get("fovea.batches.closed")
                        .tag("cause", "deadline")
                        .counter()
                        .count());
    }

    @Test
    void poisonPillsAreDeadLetteredWithTheirReasonAndTheValidRecordsAroundThemArePredicted() {
        byte[] valid = TestImages.bytes("ok-1", 1, 1);
        ImageEvent wrongSize = TestImages.event("bad-dims", 1, null);
        wrongSize.setWidth(5);
        ImageEvent corruptPng = TestImages.event("bad-png", 1, null);
        corruptPng.setPixelFormat(PixelFormat.PNG);
        ImageEvent huge = TestImages.event("huge", 1, null);
        huge.setWidth(20);
        huge.setHeight(20);
        huge.setPixels(ByteBuffer.wrap(new byte[1200]));
        byte[] unknownFormat = UnknownPixelFormat.encode(TestImages.event("fmt", 1, null), 9);
        byte[] wrongFingerprint = valid.clone();
        wrongFingerprint[4] ^= 0x40;

        send("ok-1", valid);
        send("json", "{\"id\":1}".getBytes(StandardCharsets.UTF_8));
        send("cut", Arrays.copyOf(valid, valid.length - 3));
        send("fp", wrongFingerprint);
        send("null", null);
        send("fmt", unknownFormat);
        send("bad-dims", FoveaRecords.IMAGE_EVENT.encode(wrongSize));
        send("bad-png", FoveaRecords.IMAGE_EVENT.encode(corruptPng));
        send("big", new byte[6000]);
        send("huge", FoveaRecords.IMAGE_EVENT.encode(huge));
        send("ok-2", TestImages.bytes("ok-2", 2, 2));
        driver.advanceWallClockTime(Duration.ofMillis(WAIT_MS * 2));
        awaitOutput(predictions, 2);

        assertEquals(
                List.of("ok-1", "ok-2"),
                predicted().stream().map(Prediction::getId).toList());
        Map<String, DeadLetterReason> reasons = deadLetters.readRecordsToList().stream()
                .collect(Collectors.toMap(
                        r -> new String(r.key(), StandardCharsets.UTF_8),
                        r -> FoveaRecords.DEAD_LETTER.decode(r.value()).getReason()));
        assertEquals(
                Map.of(
                        "json", DeadLetterReason.UNKNOWN_WIRE_FORMAT,
                        "cut", DeadLetterReason.TRUNCATED,
                        "fp", DeadLetterReason.UNKNOWN_SCHEMA_FINGERPRINT,
                        "null", DeadLetterReason.NULL_VALUE,
                        "fmt", DeadLetterReason.UNKNOWN_PIXEL_FORMAT,
                        "bad-dims", DeadLetterReason.DIMENSION_MISMATCH,
                        "bad-png", DeadLetterReason.CORRUPT_IMAGE,
                        "big", DeadLetterReason.PAYLOAD_TOO_LARGE,
                        "huge", DeadLetterReason.IMAGE_TOO_LARGE),
                reasons);
        assertEquals(11.0, metrics.registry().get("fovea.records.in").counter().count());
    }

    @Test
    void aDeadLetterKeepsTheOriginalKeyValueAndPosition() {
        send("x", "garbage".getBytes(StandardCharsets.UTF_8));
        var record = deadLetters.readRecord();
        DeadLetter letter = FoveaRecords.DEAD_LETTER.decode(record.value());
        assertEquals("x", new String(record.key(), StandardCharsets.UTF_8));
        assertEquals("garbage", StandardCharsets.UTF_8.decode(letter.getValue()).toString());
        assertEquals(Topics.IMAGES, letter.getSourceTopic());
        assertEquals(0L, letter.getSourceOffset());
        assertTrue(letter.getMessage().contains("67 61 72 62"), letter.getMessage());
    }

    @Test
    void everyHeaderOfAnInputReachesItsPredictionAndItsDeadLetter() {
        Headers headers = new RecordHeaders()
                .add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes())
                .add("tenant", "acme".getBytes());
        for (int i = 0; i < MAX_BATCH; i++) {
            images.pipeInput(new TestRecord<>(
                    ("h" + i).getBytes(StandardCharsets.UTF_8), TestImages.bytes("h" + i, i, null), headers));
        }
        images.pipeInput(new TestRecord<>("bad".getBytes(StandardCharsets.UTF_8), "garbage".getBytes(), headers));
        awaitOutput(predictions, MAX_BATCH);
        for (var prediction : predictions.readRecordsToList()) {
            assertEquals(headers, prediction.headers(), "prediction of " + new String(prediction.key()));
        }
        assertEquals(headers, deadLetters.readRecord().headers());
    }

    @Test
    void aFailingModelDeadLettersItsBatchAsInferenceFailedInsteadOfStopping() {
        model.fail = true;
        for (int i = 0; i < MAX_BATCH; i++) {
            send("f" + i, TestImages.bytes("f" + i, i, null));
        }
        awaitOutput(deadLetters, MAX_BATCH);
        assertEquals(
                MAX_BATCH,
                deadLetters.readValuesToList().stream()
                        .map(FoveaRecords.DEAD_LETTER::decode)
                        .filter(d -> d.getReason() == DeadLetterReason.INFERENCE_FAILED)
                        .count());
        model.fail = false;
        send("after", TestImages.bytes("after", 1, null));
        driver.advanceWallClockTime(Duration.ofMillis(WAIT_MS * 2));
        awaitOutput(predictions, 1);
        assertEquals(
                List.of("after"), predicted().stream().map(Prediction::getId).toList());
    }

    @Test
    void aNanRowOfABatchIsOneNonFiniteOutputDeadLetterAndTheOtherImagesArePredicted() {
        model.nanFor = c -> c == 2;
        for (int i = 0; i < MAX_BATCH; i++) {
            send("n" + i, TestImages.bytes("n" + i, i, null));
        }
        awaitOutput(predictions, MAX_BATCH - 1);
        awaitOutput(deadLetters, 1);

        assertEquals(List.of(MAX_BATCH), model.batchSizes, "one forward pass");
        assertEquals(
                List.of("n0", "n1", "n3"),
                predicted().stream().map(Prediction::getId).toList());
        List<DeadLetter> letters = deadLetters.readValuesToList().stream()
                .map(FoveaRecords.DEAD_LETTER::decode)
                .toList();
        assertEquals(1, letters.size());
        assertEquals(DeadLetterReason.NON_FINITE_OUTPUT, letters.get(0).getReason());
        assertEquals(2L, letters.get(0).getSourceOffset());
        assertEquals(
                "fake@3 gave NaN as the probability of zero (class 0)",
                letters.get(0).getMessage());
        assertEquals(
                1.0,
                metrics.registry()
                        .get("fovea.model.non.finite.outputs")
                        .tag("version", "3")
                        .counter()
                        .count());
    }

    @Test
    void anImageOverTheDecodedBytesCapWaitsForTheBatchesInFlightInsteadOfBeingRefused() {
        stop();
        startWith(2 * 12); // two 2x2 images
        for (int i = 0; i < MAX_BATCH; i++) {
            send("m" + i, TestImages.bytes("m" + i, i, null));
        }
        driver.advanceWallClockTime(Duration.ofMillis(WAIT_MS * 2));
        awaitOutput(predictions, MAX_BATCH);

        assertEquals(
                List.of("m0", "m1", "m2", "m3"),
                predicted().stream().map(Prediction::getId).toList());
        assertTrue(deadLetters.isEmpty());
        assertEquals(List.of(2, 2), model.batchSizes, "a batch closed as the cap filled");
        assertEquals(
                1.0,
                metrics.registry()
                        .get("fovea.batches.closed")
                        .tag("cause", "memory")
                        .counter()
                        .count());
        assertEquals(0, memory.held(), "every emitted image gave its bytes back");
    }

    @Test
    void theDecodedBytesOfAClosedTaskAreGivenBack() {
        send("w0", TestImages.bytes("w0", 1, null));
        send("w1", TestImages.bytes("w1", 2, null));
        assertEquals(24, memory.held(), "two images waiting for their batch");
        driver.close();
        assertEquals(0, memory.held());
        driver = null;
    }
}
