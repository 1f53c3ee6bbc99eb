package io.fovea.core.bundle;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fovea.core.preprocess.Preprocessing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * @param formats      the models it holds, each in a format a backend reads, over some of the model
 *                     files; null (as in manifests written before this field) says: the DL4J model
 *                     when the model files hold one ({@link ModelFormat#dl4j})
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
        List<ModelFormat> formats) {

    public static final String FILE_NAME = "manifest.json";

    /** Checked when a manifest is read and when one is made to be written. */
    public BundleManifest {
        if (modelFiles != null) {
            modelFiles.forEach(PlainFileName::check);
        }
        formats = formats != null ? List.copyOf(formats) : implied(modelFiles, null);
    }

    /**
     * Reads a manifest, including one written before {@code formats}: then its {@code onnx} field
     * ({@code {"file", "layout", "output"}}) names its ONNX model, and its DL4J model is implied.
     */
    @JsonCreator
    static BundleManifest fromJson(
            @JsonProperty("name") String name,
            @JsonProperty("version") int version,
            @JsonProperty("createdAt") Instant createdAt,
            @JsonProperty("architecture") String architecture,
            @JsonProperty("weights") String weights,
            @JsonProperty("labels") List<String> labels,
            @JsonProperty("preprocessing") Preprocessing preprocessing,
            @JsonProperty("modelFiles") List<String> modelFiles,
            @JsonProperty("sha256") String sha256,
            @JsonProperty("training") Map<String, Object> training,
            @JsonProperty("data") Map<String, Object> data,
            @JsonProperty("metrics") Map<String, Double> metrics,
            @JsonProperty("codeVersion") String codeVersion,
            @JsonProperty("formats") List<ModelFormat> formats,
            @JsonProperty("onnx") Map<String, String> onnx) {
        return new BundleManifest(
                name,
                version,
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
                formats != null ? formats : implied(modelFiles, onnx));
    }

    /** The models a manifest without {@code formats} holds. */
    private static List<ModelFormat> implied(List<String> modelFiles, Map<String, String> onnx) {
        List<ModelFormat> implied = new ArrayList<>();
        if (modelFiles != null && modelFiles.containsAll(ModelFiles.NAMES)) {
            implied.add(ModelFormat.dl4j());
        }
        if (onnx != null) {
            implied.add(ModelFormat.onnx(onnx.get("file"), onnx.get("layout"), onnx.get("output")));
        }
        return List.copyOf(implied);
    }

    /** The bundle's model in {@code format}, if it holds one. */
    public Optional<ModelFormat> model(String format) {
        return formats.stream().filter(m -> m.format().equals(format)).findFirst();
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
                formats);
    }

    /** A copy that also holds {@code model}, for bundles given one after they were made. */
    public BundleManifest withModel(ModelFormat model, List<String> files, String newSha256) {
        List<ModelFormat> more = new ArrayList<>(formats);
        more.add(model);
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
                more);
    }

    /** The metric of that name, or null when the manifest records none (or no metrics at all). */
    public Double metric(String key) {
        return metrics == null ? null : metrics.get(key);
    }

    /** A copy whose metrics also hold {@code more} (replacing those of the same name). */
    public BundleManifest withMetrics(Map<String, Double> more) {
        Map<String, Double> all = new java.util.LinkedHashMap<>(metrics == null ? Map.of() : metrics);
        all.putAll(more);
        return new BundleManifest(
                name,
                version,
                createdAt,
                architecture,
                weights,
                labels,
                preprocessing,
                modelFiles,
                sha256,
                training,
                data,
                java.util.Collections.unmodifiableMap(all),
                codeVersion,
                formats);
    }
}
