package io.fovea.cli.models;

import io.fovea.avro.Prediction;
import io.fovea.cli.consume.TopicReader;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.schemas.serde.FoveaRecords;
import io.fovea.schemas.serde.UndecodableRecordException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the topics say about a candidate version since its trial started, read from the committed
 * predictions (so it counts every instance's work, and survives their restarts). Under a shadow,
 * each shadow prediction is paired with the prediction served for the same image: agreement and
 * both accuracies are over the same images. Under a canary, the candidate's served predictions
 * are set against the other versions' over the same time, on different keys.
 */
record TrialEvidence(
        String source,
        long samples,
        long agreed,
        long labelled,
        long candidateCorrect,
        long primaryLabelled,
        long primaryCorrect) {

    /** The figures that count images; the others are shares, 0..1. */
    static final Set<String> COUNTS = Set.of("samples", "labelled");

    /** The figures a gate can name, in the order they are printed; NaN where nothing was measured. */
    Map<String, Double> figures() {
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("samples", (double) samples);
        figures.put("agreement", source.equals("shadow") ? ratio(agreed, samples) : Double.NaN);
        figures.put("labelled", (double) labelled);
        figures.put("accuracy", ratio(candidateCorrect, labelled));
        figures.put("primary_accuracy", ratio(primaryCorrect, primaryLabelled));
        figures.put("accuracy_gain", figures.get("accuracy") - figures.get("primary_accuracy"));
        return figures;
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }

    /** Reads both prediction topics from {@code since} to their ends now. */
    static TrialEvidence read(
            KafkaConnection kafka,
            String predictionsTopic,
            String shadowTopic,
            String model,
            int candidate,
            Instant since) {
        Map<String, Prediction> served = new HashMap<>();
        long[] canary = new long[4]; // candidate: served, labelled, correct; others: labelled and correct below
        long[] others = new long[2];
        try (TopicReader reader = new TopicReader(kafka, predictionsTopic)) {
            reader.readSince(since, record -> {
                Prediction p = decode(record.value());
                if (p == null || !p.getModelName().equals(model)) {
                    return;
                }
                served.put(p.getId(), p);
                boolean labelled = p.getTrueLabel() != null;
                boolean correct = labelled && p.getTrueLabel() == p.getLabelIndex();
                if (p.getModelVersion() == candidate) {
                    canary[0]++;
                    canary[1] += labelled ? 1 : 0;
                    canary[2] += correct ? 1 : 0;
                } else {
                    others[0] += labelled ? 1 : 0;
                    others[1] += correct ? 1 : 0;
                }
            });
        }
        long[] shadow = new long[5]; // compared, agreed, labelled, candidate correct, primary correct
        try (TopicReader reader = new TopicReader(kafka, shadowTopic)) {
            reader.readSince(since, record -> {
                Prediction p = decode(record.value());
                Prediction primary = p == null ? null : served.get(p.getId());
                if (primary == null || !p.getModelName().equals(model) || p.getModelVersion() != candidate) {
                    return;
                }
                shadow[0]++;
                shadow[1] += p.getLabelIndex() == primary.getLabelIndex() ? 1 : 0;
                if (p.getTrueLabel() != null) {
                    shadow[2]++;
                    shadow[3] += p.getTrueLabel() == p.getLabelIndex() ? 1 : 0;
                    shadow[4] += p.getTrueLabel() == primary.getLabelIndex() ? 1 : 0;
                }
            });
        }
        if (shadow[0] > 0) {
            return new TrialEvidence("shadow", shadow[0], shadow[1], shadow[2], shadow[3], shadow[2], shadow[4]);
        }
        if (canary[0] > 0) {
            return new TrialEvidence("canary", canary[0], 0, canary[1], canary[2], others[0], others[1]);
        }
        return new TrialEvidence("none", 0, 0, 0, 0, others[0], others[1]);
    }

    private static Prediction decode(byte[] value) {
        try {
            return value == null ? null : FoveaRecords.PREDICTION.decode(value);
        } catch (UndecodableRecordException e) {
            return null; // not ours to judge here; consume shows it
        }
    }
}
