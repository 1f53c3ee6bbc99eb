package io.fovea.core.onnx;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.StagedBundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * ONNX files in Fovea's bundles: written beside the DL4J model by the trainer ({@link
 * #writeBeside}), or added to a bundle made before exports existed ({@link #addTo}). Either way
 * the manifest names the file and its SHA-256 covers it.
 */
public final class OnnxBundles {
    private OnnxBundles() {}

    /** Writes {@code model.onnx} into {@code dir}; returns the model files, DL4J's and the ONNX one. */
    public static List<String> writeBeside(ComputationGraph graph, int inputSize, Path dir) {
        OnnxExport.write(graph, inputSize, dir.resolve(ModelFormat.ONNX_FILE));
        List<String> files = new ArrayList<>(ModelFiles.NAMES);
        files.add(ModelFormat.ONNX_FILE);
        return List.copyOf(files);
    }

    /**
     * Adds {@code model.onnx} to an existing version, through the store's amend: readers see the
     * old bundle or the new one, whole.
     *
     * @return the updated manifest
     */
    public static BundleManifest addTo(ModelStore store, String model, int version) {
        BundleManifest manifest = store.manifest(model, version);
        Optional<ModelFormat> onnx = manifest.model(ModelFormat.ONNX);
        if (onnx.isPresent()) {
            throw new IllegalArgumentException(
                    model + "@" + version + " already holds " + onnx.get().file());
        }
        if (manifest.model(ModelFormat.DL4J).isEmpty()) {
            throw new IllegalArgumentException(model + "@" + version + " holds no DL4J model to export");
        }
        // built from the bytes the checksum was checked over
        ComputationGraph graph = ModelFiles.graph(store.verified(model, version, ModelFiles.NAMES));
        try (StagedBundle amended = store.amend(model, version)) {
            Path dir = amended.dir();
            OnnxExport.write(graph, manifest.inputSize(), dir.resolve(ModelFormat.ONNX_FILE));
            List<String> files = new ArrayList<>(manifest.modelFiles());
            files.add(ModelFormat.ONNX_FILE);
            BundleManifest updated =
                    manifest.withModel(ModelFormat.exportedOnnx(), List.copyOf(files), ModelFiles.sha256(dir, files));
            amended.commit(updated);
            return updated;
        } finally {
            graph.params().close();
        }
    }
}
