package io.fovea.core.bundle;

import io.fovea.core.preprocess.ImagePreprocessor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A bundle loaded for use: manifest, verified model files and its preprocessing; with the DL4J
 * graph when loaded for DL4J ({@link #load}), without it when verified for another backend
 * ({@link #verify}). Load once, never per record.
 */
public record ModelBundle(Path dir, BundleManifest manifest, ComputationGraph graph, ImagePreprocessor preprocessor) {

    /** Reads the manifest and loads the DL4J model, checking the SHA-256 over the bytes it is built from. */
    public static ModelBundle load(Path dir) {
        ModelBundle verified = described(dir);
        BundleManifest manifest = verified.manifest();
        if (!manifest.hasDl4jModel()) {
            throw new BundleIntegrityException(dir + ": holds no DL4J model ("
                    + String.join(", ", manifest.modelFiles()) + "); serve it with model.backend=onnxruntime");
        }
        ComputationGraph graph;
        try {
            graph = ModelFiles.read(dir, manifest);
        } catch (BundleIntegrityException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BundleIntegrityException(dir + ": not a loadable model: " + e.getMessage(), e);
        }
        return new ModelBundle(dir, manifest, graph, verified.preprocessor());
    }

    /** Reads the manifest and checks the model files' SHA-256 against it; loads no model. */
    public static ModelBundle verify(Path dir) {
        ModelBundle described = described(dir);
        BundleManifest manifest = described.manifest();
        String actual = ModelFiles.sha256(dir, manifest.modelFiles());
        if (!actual.equals(manifest.sha256())) {
            throw new BundleIntegrityException(
                    dir + ": SHA-256 of " + String.join(" + ", manifest.modelFiles()) + " is " + actual
                            + " but the manifest says " + manifest.sha256() + "; a file is corrupt or was replaced");
        }
        return described;
    }

    /** The manifest, checked for what serving needs, and its files present; nothing hashed yet. */
    private static ModelBundle described(Path dir) {
        Path manifestFile = dir.resolve(BundleManifest.FILE_NAME);
        if (!Files.isRegularFile(manifestFile)) {
            throw new BundleIntegrityException(dir + ": no " + BundleManifest.FILE_NAME);
        }
        BundleManifest manifest = Json.read(manifestFile, BundleManifest.class);
        if (manifest.modelFiles() == null || manifest.modelFiles().isEmpty()) {
            throw new BundleIntegrityException(manifestFile + ": names no model files (written by an older Fovea? "
                    + "bundles now hold " + String.join(" and ", ModelFiles.NAMES) + "; train it again)");
        }
        if (!manifest.missingFields().isEmpty()) {
            throw new BundleIntegrityException(manifestFile + ": lacks " + String.join(", ", manifest.missingFields()));
        }
        for (String name : manifest.modelFiles()) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                throw new BundleIntegrityException(dir.resolve(name) + ": model file missing");
            }
        }
        if (manifest.onnx() != null
                && !manifest.modelFiles().contains(manifest.onnx().file())) {
            throw new BundleIntegrityException(
                    manifestFile + ": its ONNX model " + manifest.onnx().file() + " is not among its model files");
        }
        return new ModelBundle(dir, manifest, null, new ImagePreprocessor(manifest.preprocessing()));
    }
}
