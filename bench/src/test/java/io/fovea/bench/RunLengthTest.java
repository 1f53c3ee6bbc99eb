package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunLengthTest {
    @Test
    void theFasterPrecisionsRunsHoldAsManyMoreImagesAsItsModelIsFaster() {
        assertEquals(Map.of("fp32", 9000, "int8", 32_727), sized(9000, "fp32", 330.0, "int8", 1200.0));
    }

    @Test
    void oneModelAloneRunsTheEventsAsGiven() {
        assertEquals(Map.of("int8", 9000), PipelineComparison.eventsByPrecision(9000, Map.of("int8", 1200.0)));
    }

    @Test
    void theSlowestSetsTheCountWhicheverIsListedFirst() {
        assertEquals(Map.of("fp32", 8000, "int8", 24_000), sized(8000, "int8", 900.0, "fp32", 300.0));
    }

    /** Images per run for two precisions listed in this order with these speeds. */
    private static Map<String, Integer> sized(
            int events, String first, double firstSpeed, String second, double secondSpeed) {
        Map<String, Double> speeds = new LinkedHashMap<>();
        speeds.put(first, firstSpeed);
        speeds.put(second, secondSpeed);
        return PipelineComparison.eventsByPrecision(events, speeds);
    }
}
