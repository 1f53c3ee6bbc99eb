package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunLengthTest {
    @Test
    void theFasterPrecisionsRunsHoldAsManyMoreImagesAsItsModelIsFaster() {
        Map<String, Double> speeds = new LinkedHashMap<>();
        speeds.put("fp32", 330.0);
        speeds.put("int8", 1200.0);

        Map<String, Integer> sized = PipelineComparison.eventsByPrecision(9000, speeds);

        assertEquals(9000, sized.get("fp32"));
        assertEquals(32_727, sized.get("int8"));
    }

    @Test
    void oneModelAloneRunsTheEventsAsGiven() {
        assertEquals(Map.of("int8", 9000), PipelineComparison.eventsByPrecision(9000, Map.of("int8", 1200.0)));
    }

    @Test
    void theSlowestSetsTheCountWhicheverIsListedFirst() {
        Map<String, Double> speeds = new LinkedHashMap<>();
        speeds.put("int8", 900.0);
        speeds.put("fp32", 300.0);

        Map<String, Integer> sized = PipelineComparison.eventsByPrecision(8000, speeds);

        assertEquals(8000, sized.get("fp32"));
        assertEquals(24_000, sized.get("int8"));
    }
}
