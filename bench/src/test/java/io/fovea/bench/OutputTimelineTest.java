package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class OutputTimelineTest {
    private static OutputTimeline of(long[][] made) {
        OutputTimeline timeline = new OutputTimeline();
        for (long[] m : made) { // {millis, version, batch size}; added out of order, as partitions deliver them
            timeline.add(new OutputTimeline.Made(m[0], (int) m[1], (int) m[2], 10.0 * m[2]));
        }
        return timeline;
    }

    @Test
    void theSwitchGapRunsFromTheLastPredictionBeforeTheNewVersionsFirstToThatFirst() {
        OutputTimeline timeline =
                of(new long[][] {{1000, 1, 2}, {1300, 2, 5}, {1040, 1, 2}, {1100, 1, 1}, {1320, 2, 5}});
        OutputTimeline.Switch at = timeline.switchAt(2, 0, 5000);
        assertEquals(200, at.gapMillis());
        assertEquals(5, at.firstBatchSize());
        assertEquals(50.0, at.firstInferenceMillis());
        assertNull(timeline.switchAt(3, 0, 5000));
    }

    @Test
    void theLongestGapCountsOnlyPredictionsInsideTheWindow() {
        OutputTimeline timeline = of(new long[][] {{100, 1, 1}, {900, 1, 1}, {950, 1, 1}, {1000, 1, 1}, {1120, 1, 1}});
        assertEquals(800, timeline.longestGap(0, 2000));
        assertEquals(120, timeline.longestGap(900, 2000));
        assertEquals(0, timeline.longestGap(1500, 2000));
    }
}
