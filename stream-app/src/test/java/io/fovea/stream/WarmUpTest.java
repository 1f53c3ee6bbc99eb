package io.fovea.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.validate.ImageValidator;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The warm-up runs a record's whole path on full batches, and not at all when switched off. */
class WarmUpTest {
    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void fullSyntheticBatchesRunThroughValidationTheModelAndThePredictionForTheBudget() {
        FakeModel model = new FakeModel(1);
        int batches = WarmUp.run(new ImageValidator(1 << 20, 1 << 20), model, 8, 3, Duration.ofMillis(300));
        assertTrue(batches >= 1, "ran " + batches);
        assertEquals(batches, model.batchSizes.size());
        assertTrue(model.batchSizes.stream().allMatch(size -> size == 8), "full batches: " + model.batchSizes);
    }

    @Test
    void aZeroBudgetRunsNothing() {
        FakeModel model = new FakeModel(1);
        assertEquals(0, WarmUp.run(new ImageValidator(1 << 20, 1 << 20), model, 8, 3, Duration.ZERO));
        assertEquals(0, model.batchSizes.size());
    }
}
