package io.fovea.trainer.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;

class TrainSettingsTest {
    private static TrainSettings fromScratch(int epochs, int batch) {
        Recipe r = Recipe.fromScratch();
        return new TrainSettings(
                r.phase(),
                epochs,
                batch,
                r.learningRate(),
                1e-4,
                3,
                r.augment(),
                1,
                100,
                r.optimizer(),
                r.weightDecay(),
                r.labelSmoothing());
    }

    @Test
    void oneCycleClimbsToThePeakAndEndsNearZeroOnTheRunsLastStep() {
        // 5 epochs of 1,000 images in batches of 128: 8 steps an epoch, 40 in all
        Nesterovs sgd = assertInstanceOf(Nesterovs.class, fromScratch(5, 128).updater(1000));
        ISchedule schedule = sgd.getLearningRateSchedule();
        double peak = Recipe.fromScratch().learningRate();
        assertEquals(peak / 20, schedule.valueAt(0, 0), 1e-9, "starts at a twentieth of the peak");
        double highest = 0;
        for (int step = 0; step < 40; step++) {
            highest = Math.max(highest, schedule.valueAt(step, step / 8));
        }
        assertEquals(peak, highest, 1e-9, "reaches the peak");
        assertTrue(schedule.valueAt(39, 4) < peak / 20, "the last step is below the start: " + schedule.valueAt(39, 4));
        assertTrue(schedule.valueAt(18, 2) > schedule.valueAt(30, 3), "comes down after the peak");
        assertEquals(0.9, sgd.getMomentum(), 1e-9);
    }

    @Test
    void transferLearningKeepsAdamAtItsRate() {
        Recipe r = Recipe.transfer();
        TrainSettings settings = new TrainSettings(
                r.phase(), r.epochs(), r.batchSize(), r.learningRate(), 1e-4, 3, false, 1, 100, r.optimizer(), 0, 0);
        Adam adam = assertInstanceOf(Adam.class, settings.updater(1000));
        assertEquals(1e-3, adam.getLearningRate(), 1e-12);
    }
}
