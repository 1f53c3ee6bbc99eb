package io.fovea.stream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProbabilitiesTest {
    private final Probabilities pass =
            Probabilities.of(new float[][] {{0.1f, 0.9f, 0f}, {0.5f, 0.2f, 0.3f}, {0.2f, 0.2f, 0.6f}});

    @Test
    void aSubmissionGetsItsOwnRowsOfAPassInItsOwnPlaces() {
        Probabilities submission = Probabilities.empty(3, 3);

        pass.copyRows(1, 2, submission, 0); // the pass's rows 1 and 2 are the submission's first two

        assertArrayEquals(new float[] {0.5f, 0.2f, 0.3f}, submission.row(0));
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.6f}, submission.row(1));
        assertArrayEquals(new float[] {0f, 0f, 0f}, submission.row(2));
    }

    @Test
    void eachRowReadsAsItsLabelsValuesAndItsBestLabel() {
        assertEquals(0.3f, pass.get(1, 2));
        assertEquals(1, pass.argMax(0));
        assertEquals(0, pass.argMax(1));
        assertEquals(2, pass.argMax(2));
        assertEquals(0.9f, pass.maxAbsDifference(Probabilities.empty(3, 3)), 1e-6);
    }

    @Test
    void valuesThatAreNotWholeRowsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Probabilities(2, 3, new float[5]));
        assertThrows(IllegalArgumentException.class, () -> Probabilities.of(new float[][] {{1f, 0f}, {1f}}));
        assertThrows(IllegalArgumentException.class, () -> pass.copyRows(0, 1, Probabilities.empty(1, 2), 0));
    }
}
