package io.fovea.stream.model.backend;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.image.RgbImage;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.model.Probabilities;
import io.fovea.stream.model.ProbeBatch;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A bundle's DL4J ComputationGraph with the bundle's own preprocessing. */
public final class Dl4jModelRunner extends BundleRunner {
    private final ComputationGraph graph;

    public Dl4jModelRunner(BundleManifest manifest, ComputationGraph graph) {
        super(manifest);
        this.graph = graph;
        NativeBackend.blasOnCallingThreadOnly(); // a serving process: see there why
    }

    /** The bundle's DL4J model, built from the bytes its checksum was checked over. */
    public static Dl4jModelRunner of(VerifiedBundle bundle) {
        return new Dl4jModelRunner(bundle.manifest(), ModelFiles.graph(bundle));
    }

    /**
     * A runner for a bundle that has been shown to work ({@link #probe()}). Used for the version a
     * server starts with, so a bundle whose outputs do not match its labels is refused with a
     * clear error instead of failing batch after batch.
     */
    public static Dl4jModelRunner checked(VerifiedBundle bundle) {
        return ProbeBatch.checked(of(bundle), bundle.manifest().inputSize());
    }

    public ComputationGraph graph() {
        return graph;
    }

    @Override
    public Probabilities predict(List<RgbImage> images) {
        INDArray input = preprocessor().toBatch(images);
        try (INDArray output = graph.outputSingle(false, input)) {
            // read out once here, so nothing downstream touches native memory
            // at the output's own width: a model with more outputs than labels is refused by its probe
            return Probabilities.of(output.toFloatMatrix());
        } finally {
            input.close();
        }
    }

    /**
     * Frees the parameters' native memory now rather than whenever the garbage collector gets to
     * it: after a hot-swap nothing uses the old version (predictions hold copies of their rows).
     *
     * <p>Not {@code ComputationGraph.close()}: besides freeing the parameters, it destroys every
     * ND4J workspace of the calling thread (here the inference thread, whose workspaces the new
     * version reuses at once, so its first passes would allocate them again) and calls
     * {@code System.gc()}, a stop-the-world pause in the middle of serving: gaps in the output at
     * each switch, and resident memory creeping up swap after swap.
     */
    @Override
    public void close() {
        INDArray params = graph.params();
        if (params != null && params.closeable()) {
            params.close();
        }
    }
}
