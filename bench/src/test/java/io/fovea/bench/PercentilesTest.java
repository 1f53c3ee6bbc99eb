package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void theMedianOfAnEvenCountIsTheMeanOfItsTwoMiddleValuesNotTheUpperOne() {
        assertEquals(0.685, Percentiles.median(List.of(0.80, 0.57)), 1e-12);
        assertEquals(2.5, Percentiles.median(List.of(4.0, 1.0, 3.0, 2.0)), 1e-12);
    }

    @Test
    void theMedianOfAnOddCountIsItsMiddleValueInAnyOrder() {
        assertEquals(0.93, Percentiles.median(List.of(0.93, 0.88, 0.93, 0.94, 0.86)), 1e-12);
        assertTrue(Double.isNaN(Percentiles.median(List.of())));
    }

    @Test
    void nearestRankPicksTheValueAtOrAboveTheRank() {
        List<Double> sorted = List.of(10.0, 20.0, 30.0, 40.0);
        assertEquals(20.0, Percentiles.nearestRank(sorted, 50));
        assertEquals(40.0, Percentiles.nearestRank(sorted, 99));
        assertEquals(10.0, Percentiles.nearestRank(sorted, 0));
    }
}
