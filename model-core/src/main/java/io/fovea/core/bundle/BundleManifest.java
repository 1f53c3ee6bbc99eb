package io.fovea.core.bundle;

import io.fovea.core.preprocess.Preprocessing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a model bundle is: {@code manifest.json} beside the model's files. Everything the stream app
 * needs to serve the model, and everything a person needs to trust it.
 *
 * @param architecture e.g. {@code vgg16} (plain, ImageNet-compatible) or {@code vgg16-bn}
 * @param weights      where the backbone started: {@code imagenet}, {@code none} or {@code file:NAME}
 * @param modelFiles   the model's files in the bundle folder ({@link ModelFiles#NAMES})
 * @param sha256       SHA-256 (lower-case hex) over the model files in that order; checked before every load
 * @param training     the settings the trainer ran with
 * @param data         what it was trained on: source, sizes, content fingerprint
 * @param metrics      evaluation results, e.g. {@code test_accuracy}
 * @param codeVersion  Fovea version and commit that made it
 * @param onnx         the ONNX model among the model files, if any; null for a DL4J-only bundle
 */
public record BundleManifest(
        String name,
        int version,
        Instant createdAt,
        String architecture,
        String weights,
        List<String> labels,
        Preprocessing preprocessing,
        List<String> modelFiles,
        String sha256,
        Map<String, Object> training,
        Map<String, Object> data,
        Map<String, Double> metrics,
        String codeVersion,
        OnnxModel onnx) {

    public static final String FILE_NAME = "manifest.json";

    /** Checked when a manifest is read and when one is made to be written. */
    public BundleManifest {
        if (modelFiles != null) {
            modelFiles.forEach(PlainFileName::check);
        }
    }

    /** Fields a bundle cannot be served without that this manifest lacks (empty when none). */
    public List<String> missingFields() {
        List<String> missing = new ArrayList<>();
        if (name == null) {
            missing.add("name");
        }
        if (sha256 == null) {
            missing.add("sha256");
        }
        if (labels == null || labels.isEmpty()) {
            missing.add("labels");
        }
        if (preprocessing == null
                || preprocessing.mean() == null
                || preprocessing.std() == null
                || preprocessing.mean().length != 3
                || preprocessing.std().length != 3) {
            missing.add("preprocessing (input size, and a mean and std per channel)");
        }
        return missing;
    }

    public int inputSize() {
        return preprocessing.inputSize();
    }

    public BundleManifest withVersion(int newVersion) {
        return new BundleManifest(
                name,
                newVersion,
                createdAt,
                architecture,
                weights,
                labels,
                preprocessing,
                modelFiles,
                sha256,
                training,
                data,
                metrics,
                codeVersion,
                onnx);
    }

    /** True when the bundle holds a DL4J model ({@link ModelFiles#NAMES}). */
    public boolean hasDl4jModel() {
        return modelFiles != null && modelFiles.containsAll(ModelFiles.NAMES);
    }

    /** A copy that also names an ONNX model, for bundles given one after they were made. */
    public BundleManifest withOnnx(OnnxModel model, List<String> files, String newSha256) {
        return new BundleManifest(
                name,
                version,
                createdAt,
                architecture,
                weights,
                labels,
                preprocessing,
                files,
                newSha256,
                training,
                data,
                metrics,
                codeVersion,
                model);
    }
}
