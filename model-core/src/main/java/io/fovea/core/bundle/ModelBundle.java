package io.fovea.core.bundle;

import io.fovea.core.preprocess.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/** A bundle loaded for use: manifest, verified model and its preprocessing. Load once, never per record. */
public record ModelBundle(Path dir, BundleManifest manifest, ComputationGraph graph, ImagePreprocessor preprocessor) {

    /** Reads the manifest, checks the model file's SHA-256 against it, then loads the model. */
    public static ModelBundle load(Path dir) {
        Path manifestFile = dir.resolve(BundleManifest.FILE_NAME);
        if (!Files.isRegularFile(manifestFile)) {
            throw new BundleIntegrityException(dir + ": no " + BundleManifest.FILE_NAME);
        }
        BundleManifest manifest = Json.read(manifestFile, BundleManifest.class);
        Path modelFile = dir.resolve(manifest.modelFile());
        if (!Files.isRegularFile(modelFile)) {
            throw new BundleIntegrityException(modelFile + ": model file missing");
        }
        String actual = Sha256.of(modelFile);
        if (!actual.equals(manifest.sha256())) {
            throw new BundleIntegrityException(modelFile + ": SHA-256 is " + actual + " but the manifest says "
                    + manifest.sha256() + "; the file is corrupt or was replaced");
        }
        ComputationGraph graph;
        try {
            graph = ModelSerializer.restoreComputationGraph(modelFile.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new BundleIntegrityException(modelFile + ": not a loadable DL4J model: " + e.getMessage(), e);
        }
        return new ModelBundle(dir, manifest, graph, new ImagePreprocessor(manifest.preprocessing()));
    }
}
