package io.fovea.stream.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.ImageEvent;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.schemas.Topics;
import io.fovea.schemas.registry.RegistrySettings;
import io.fovea.schemas.registry.SchemaRegistryClient;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.RegistryFramedCodec;
import io.fovea.stream.FakeModel;
import io.fovea.stream.TestImages;
import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.model.ModelSlot;
import io.fovea.stream.validate.ImageValidator;
import io.fovea.stream.validate.RegistryWriterSchemas;
import io.fovea.stream.validate.WireFormat;
import io.fovea.testing.SchemaRegistryTestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A registry that stops answering holds registry-framed records back, durably in the pending store,
 * without a dead letter and without holding the stream thread; they are predicted once it answers,
 * whether they were read before the outage or restored from the changelog during it.
 */
class RegistryOutageTest {
    private static SchemaRegistryTestServer registry;
    private static int schemaId;

    private MockProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Long, byte[]> store;
    private RegistryWriterSchemas schemas;
    private InferenceWorker worker;

    @BeforeAll
    static void start() {
        NativeBackend.configure();
        registry = SchemaRegistryTestServer.startNew();
        schemaId = client().register("outage-value", ImageEvent.getClassSchema());
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static SchemaRegistryClient client() {
        return new SchemaRegistryClient(RegistrySettings.from(Map.of(RegistrySettings.URL, registry.url())));
    }

    @BeforeEach
    void context() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(0);
        store = ProcessorFixtures.added(context);
        schemas = new RegistryWriterSchemas(client()); // nothing cached
        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry(), 10);
        worker = new InferenceWorker(new ModelSlot(new FakeModel(1)), 4, metrics);
    }

    @AfterEach
    void close() {
        worker.close();
        schemas.close();
        registry.start(); // a no-op when it runs
    }

    private ClassifyProcessor processor() {
        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry(), 10);
        return ProcessorFixtures.processor(
                4,
                new ImageValidator(100_000, 10_000, EnumSet.allOf(WireFormat.class), schemas),
                worker,
                metrics,
                CommitPace.STREAMS_OWN);
    }

    private static byte[] framed(String id) {
        return new RegistryFramedCodec<>(FoveaRecords.IMAGE_EVENT).encode(TestImages.event(id, 1, 1), schemaId);
    }

    private void process(ClassifyProcessor processor, long offset, String id, byte[] value) {
        context.setRecordMetadata(Topics.IMAGES, 0, offset);
        processor.process(new Record<>(id.getBytes(StandardCharsets.UTF_8), value, 0));
    }

    /** Punctuates until {@code n} records have been forwarded; their sinks and ids. */
    private List<String> forwardedAfterPunctuating(int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long now = 0;
        while (context.forwarded().size() < n && System.nanoTime() < deadline) {
            now += 20;
            context.setCurrentSystemTimeMs(now);
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(now);
            sleep();
        }
        return context.forwarded().stream()
                .map(f -> f.childName().orElseThrow() + ":"
                        + FoveaRecords.PREDICTION.decode(f.record().value()).getId())
                .toList();
    }

    @Test
    void recordsReadWhileTheRegistryIsDownWaitInTheStoreAndArePredictedWhenItAnswers() {
        ClassifyProcessor processor = processor();
        processor.init(context);
        registry.stop();
        long start = System.nanoTime();
        process(processor, 0, "r0", framed("r0"));
        process(processor, 1, "s1", TestImages.bytes("s1", 1, 1));
        process(processor, 2, "r2", framed("r2"));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs < 4_000, "the stream thread waited " + tookMs + " ms at most once, boundedly");
        assertEquals(List.of("predictions:s1"), forwardedAfterPunctuating(1));
        assertNotNull(store.get(0L), "r0 held in the changelogged store while it waits");
        assertNotNull(store.get(2L));
        assertNotNull(schemas.waitingBecause());

        registry.start();
        assertEquals(
                List.of("predictions:s1", "predictions:r0", "predictions:r2"),
                forwardedAfterPunctuating(3),
                "in order, no dead letter");
        assertNull(store.get(0L), "forgotten with its prediction");
        assertNull(store.get(2L));
        processor.close();
    }

    @Test
    void recordsRestoredWhileTheRegistryIsDownWaitAndArePredictedWhenItAnswers() {
        PendingImages before = new PendingImages(store, new DecodedMemory(1 << 20));
        before.hold(5L, "r5".getBytes(StandardCharsets.UTF_8), framed("r5"), new Header[0]);
        registry.stop();
        ClassifyProcessor processor = processor();
        processor.init(context); // must not throw, nor wait for the registry to come back
        sleepMs(500);
        assertEquals(List.of(), forwardedAfterPunctuating(0));
        assertNotNull(store.get(5L));

        registry.start();
        assertEquals(List.of("predictions:r5"), forwardedAfterPunctuating(1));
        assertNull(store.get(5L));
        processor.close();
    }

    private static void sleep() {
        sleepMs(10);
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
