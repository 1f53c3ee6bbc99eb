package io.fovea.trainer.data;

import java.util.List;
import java.util.Map;

/**
 * The three sets of a run: training, validation (carved from the training data) and test (the
 * held-out set, used once, for the final evaluation; absent when none was given).
 *
 * @param description what the manifest records about the data: sources, sizes, fingerprint
 */
public record TrainingData(
        LabelledImages train,
        LabelledImages validation,
        LabelledImages test,
        List<String> labels,
        Map<String, Object> description) {}
