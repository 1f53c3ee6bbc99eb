package io.fovea.stream.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Versions side by side while a canary or shadow runs (names as Prometheus shows them):
 * {@code fovea_served_total{model,version}} (predictions emitted, by the version that made them),
 * {@code fovea_trial_share{model,role}} and {@code fovea_trial_version{model,role}} (what runs now;
 * 0 when nothing), {@code fovea_shadow_predictions_total{model,version}},
 * {@code fovea_shadow_skipped_total{reason}}, and for each pair of versions that saw the same
 * images {@code fovea_shadow_compared_total{model,primary,candidate,agreed}},
 * {@code fovea_trial_agreement{model,primary,candidate}} and
 * {@code fovea_trial_accuracy{model,primary,candidate,of}} (rolling, over the same labelled images).
 */
public final class TrialMetrics {
    private final MeterRegistry registry;
    private final int window;
    private final Map<String, double[]> trials = new ConcurrentHashMap<>();
    private final Map<String, RollingShare> rolling = new ConcurrentHashMap<>();

    TrialMetrics(MeterRegistry registry, int window) {
        this.registry = registry;
        this.window = window;
    }

    /** One prediction emitted to the predictions topic, by the primary or the canary. */
    public void served(String model, int version) {
        Counter.builder("fovea.served")
                .tag("model", model)
                .tag("version", Integer.toString(version))
                .description("predictions emitted to the predictions topic, by the version that made them")
                .register(registry)
                .increment();
    }

    /** What fills a trial's role now: {@code version} 0 and share 0 when none runs. */
    public void inService(String model, String role, int version, double share) {
        double[] holder = trials.computeIfAbsent(model + "/" + role, key -> {
            double[] h = new double[2];
            Gauge.builder("fovea.trial.version", h, v -> v[0])
                    .tag("model", model)
                    .tag("role", role)
                    .description("version on trial in this role, 0 when none")
                    .register(registry);
            Gauge.builder("fovea.trial.share", h, v -> v[1])
                    .tag("model", model)
                    .tag("role", role)
                    .description("share of keys (canary) or images (shadow) on trial, 0..1")
                    .register(registry);
            return h;
        });
        holder[0] = version;
        holder[1] = share;
    }

    /** A shadow prediction emitted, beside the served one of the same image. */
    public void shadowPredicted(
            String model, int served, int candidate, boolean agreed, Boolean servedCorrect, Boolean candidateCorrect) {
        String pair = model + "/" + served + "/" + candidate;
        Counter.builder("fovea.shadow.predictions")
                .tag("model", model)
                .tag("version", Integer.toString(candidate))
                .register(registry)
                .increment();
        Counter.builder("fovea.shadow.compared")
                .tag("model", model)
                .tag("primary", Integer.toString(served))
                .tag("candidate", Integer.toString(candidate))
                .tag("agreed", Boolean.toString(agreed))
                .description("images both versions classified, by whether their top-1 labels agreed")
                .register(registry)
                .increment();
        share(pair, "agreement", model, served, candidate, null).add(agreed);
        if (servedCorrect != null && candidateCorrect != null) {
            share(pair, "primary", model, served, candidate, "primary").add(servedCorrect);
            share(pair, "candidate", model, served, candidate, "candidate").add(candidateCorrect);
        }
    }

    /** A shadow prediction not made or not emitted, and why (ended, failed, too_large). */
    public void shadowSkipped(String reason) {
        Counter.builder("fovea.shadow.skipped")
                .tag("reason", reason)
                .description("images sampled for the shadow that got no shadow prediction")
                .register(registry)
                .increment();
    }

    private RollingShare share(String pair, String what, String model, int served, int candidate, String of) {
        return rolling.computeIfAbsent(pair + "/" + what, key -> {
            RollingShare share = new RollingShare(window);
            Gauge.Builder<RollingShare> gauge = Gauge.builder(
                            of == null ? "fovea.trial.agreement" : "fovea.trial.accuracy", share, RollingShare::value)
                    .tag("model", model)
                    .tag("primary", Integer.toString(served))
                    .tag("candidate", Integer.toString(candidate));
            if (of != null) {
                gauge.tag("of", of);
            }
            gauge.description(
                            of == null
                                    ? "top-1 agreement of the two versions over the last images both classified"
                                    : "accuracy of one of the pair over the last labelled images both classified")
                    .register(registry);
            return share;
        });
    }
}
