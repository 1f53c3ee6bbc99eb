package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.limits.SizeBudget;
import io.fovea.stream.predict.Sink;
import io.fovea.stream.validate.ImageValidator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The warm-up runs a record's whole path (validation, model, emission) on full batches, and not at all when switched off. */
class WarmUpTest {
    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void fullSyntheticBatchesRunThroughValidationTheModelAndThePredictionForTheBudget() {
        FakeModel model = new FakeModel(1);
        WarmUp.Ran ran = WarmUp.run(
                new ImageValidator(1 << 20, 1 << 20),
                SizeBudget.atKafkaDefaults(),
                model,
                8,
                3,
                Duration.ofMillis(300));
        int batches = ran.batches();
        assertTrue(batches >= 1, "ran " + batches);
        assertEquals(batches, model.batchSizes.size());
        assertTrue(model.batchSizes.stream().allMatch(size -> size == 8), "full batches: " + model.batchSizes);
        // through the processor's own emission: every image became a prediction, none a dead letter
        assertEquals(Map.of(Sink.Output.PREDICTIONS, 8 * batches), ran.emitted());
        assertFalse(model.closed, "the model serves on after the warm-up");
    }

    @Test
    void aZeroBudgetRunsNothing() {
        FakeModel model = new FakeModel(1);
        WarmUp.Ran ran = WarmUp.run(
                new ImageValidator(1 << 20, 1 << 20), SizeBudget.atKafkaDefaults(), model, 8, 3, Duration.ZERO);
        assertEquals(0, ran.batches());
        assertEquals(Map.of(), ran.emitted());
        assertEquals(0, model.batchSizes.size());
    }
}
