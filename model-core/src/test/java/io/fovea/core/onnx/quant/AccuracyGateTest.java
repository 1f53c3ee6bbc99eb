package io.fovea.core.onnx.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccuracyGateTest {
    @Test
    void figuresComeFromEachModelsClassPerImage() {
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        int[] fp32 = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0}; // 9 right
        int[] int8 = {0, 1, 2, 3, 4, 5, 6, 7, 0, 0}; // 8 right, differs from fp32 on one

        AccuracyGate gate = AccuracyGate.of(fp32, int8, labels);

        assertEquals(10, gate.images());
        assertEquals(0.9, gate.fp32Top1(), 1e-12);
        assertEquals(0.8, gate.int8Top1(), 1e-12);
        assertEquals(0.9, gate.agreement(), 1e-12);
        assertFalse(gate.passes(), "10 points down and 90% agreement: " + gate.verdict());
    }

    @Test
    void withoutLabelsOnlyAgreementIsMeasuredAndRequired() {
        int[] same = new int[100];
        int[] oneOff = new int[100];
        oneOff[7] = 3;

        AccuracyGate gate = AccuracyGate.of(same, oneOff, null);

        assertNull(gate.fp32Top1());
        assertNull(gate.int8Top1());
        assertEquals(0.99, gate.agreement(), 1e-12);
        assertTrue(gate.passes(), gate.verdict());
    }

    @Test
    void predictionsOfDifferentImagesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> AccuracyGate.of(new int[3], new int[4], null));
        assertThrows(IllegalArgumentException.class, () -> AccuracyGate.of(new int[3], new int[3], new int[2]));
    }
}
