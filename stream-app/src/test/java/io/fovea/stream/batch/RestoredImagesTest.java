package io.fovea.stream.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.DeadLetter;
import io.fovea.avro.DeadLetterReason;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.stream.FakeModel;
import io.fovea.stream.TestImages;
import io.fovea.stream.limits.DecodedMemory;
import io.fovea.stream.metrics.StreamMetrics;
import io.fovea.stream.model.InferenceWorker;
import io.fovea.stream.model.ModelSlot;
import io.fovea.stream.validate.ImageValidator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Images restored from the changelog are validated again; one that no longer passes is dead-lettered, not a crash. */
class RestoredImagesTest {
    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void aRestoredImageOverANewlyLoweredLimitIsDeadLetteredAtTheFirstPunctuation() {
        MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(0);
        KeyValueStore<Long, byte[]> store = ProcessorFixtures.added(context);
        // held before a restart, when the payload limit was generous
        byte[] value = TestImages.bytes("held", 1, 1);
        ImageValidator before = new ImageValidator(100_000, 10_000);
        new PendingImages(store, new DecodedMemory(1 << 20))
                .add(7L, "held".getBytes(StandardCharsets.UTF_8), value, new Header[0], before.validate(value), 0);

        StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry(), 10);
        try (InferenceWorker worker = new InferenceWorker(new ModelSlot(new FakeModel(1)), 4, metrics)) {
            ClassifyProcessor processor = ProcessorFixtures.processor(
                    4, new ImageValidator(10, 10_000), worker, metrics, CommitPace.STREAMS_OWN);
            processor.init(context); // must not throw
            context.scheduledPunctuators().get(0).getPunctuator().punctuate(0);

            List<MockProcessorContext.CapturedForward<? extends byte[], ? extends byte[]>> forwarded =
                    context.forwarded();
            assertEquals(1, forwarded.size());
            assertEquals(
                    ClassifyProcessor.DEAD_LETTERS_SINK,
                    forwarded.get(0).childName().orElseThrow());
            DeadLetter letter =
                    FoveaRecords.DEAD_LETTER.decode(forwarded.get(0).record().value());
            assertEquals(DeadLetterReason.PAYLOAD_TOO_LARGE, letter.getReason());
            assertEquals(7L, letter.getSourceOffset());
            assertTrue(letter.getMessage().startsWith("refused on restore:"), letter.getMessage());
            assertNull(store.get(7L), "forgotten in the same transaction as its dead letter");
        }
    }

    @Test
    void restoredImagesCountAgainstTheCapAndThoseOverItAreDecodedAgainWhenTheirBatchCloses() {
        MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
        KeyValueStore<Long, byte[]> store = ProcessorFixtures.opened(context);
        ImageValidator validator = new ImageValidator(100_000, 10_000);
        PendingImages before = new PendingImages(store, new DecodedMemory(1 << 20));
        for (long offset = 0; offset < 3; offset++) {
            byte[] value = TestImages.bytes("r" + offset, 1, 1);
            before.add(offset, null, value, new Header[0], validator.validate(value), 0);
        }

        DecodedMemory memory = new DecodedMemory(2 * 12); // room for two of the three 2x2 images
        PendingImages restored = new PendingImages(store, memory);
        assertTrue(restored.recover(validator, 0).isEmpty());
        assertEquals(24, memory.held(), "the restored images that fit are held decoded, and counted");

        List<PendingImages.Pending> batch = restored.take(3);
        assertEquals(3, batch.size());
        assertTrue(batch.stream().allMatch(p -> p.image() != null), "decoded again for its batch");
        assertEquals(36, memory.held());
        batch.forEach(p -> restored.emitted(p.offset()));
        assertEquals(0, memory.held());
    }
}
