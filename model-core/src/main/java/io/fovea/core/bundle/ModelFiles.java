package io.fovea.core.bundle;

import io.fovea.core.runtime.ServingGraph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A bundle's model on disk: {@value #CONFIGURATION} (DL4J's ComputationGraph configuration) and
 * {@value #PARAMETERS} (every parameter in one flat NumPy array, the order DL4J keeps them in).
 *
 * <p>Why not DL4J's {@code ModelSerializer} zip: it reads parameters one number at a time, about
 * 0.85 s of CPU for VGG16's 61 MB, and a hot-swap spends that CPU beside the forward passes that
 * serve traffic. Reading a NumPy file straight into the array's memory takes about a sixth of the
 * time ({@link NpyFloats}). The files are also readable without DL4J ({@code numpy.load}), and a
 * DL4J user loads them with {@link #read}.
 */
public final class ModelFiles {
    public static final String CONFIGURATION = "graph.json";
    public static final String PARAMETERS = "params.npy";
    /** In the order the manifest's SHA-256 covers them. */
    public static final List<String> NAMES = List.of(CONFIGURATION, PARAMETERS);

    private ModelFiles() {}

    /** Writes the model into {@code dir} and returns the SHA-256 of its files, for the manifest. */
    public static String write(ComputationGraph graph, Path dir) {
        try {
            Files.writeString(
                    dir.resolve(CONFIGURATION),
                    ServingGraph.standard(graph.getConfiguration()).toJson());
            Nd4j.writeAsNumpy(graph.params(), dir.resolve(PARAMETERS).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model into " + dir, e);
        }
        return sha256(dir, NAMES);
    }

    /** SHA-256 over the named files of {@code dir}, in order. */
    public static String sha256(Path dir, List<String> names) {
        return Sha256.of(names.stream().map(dir::resolve).toArray(Path[]::new));
    }

    /**
     * The model in {@code dir}, built for serving ({@link ServingGraph}: same layers and outputs,
     * faster pooling); its parameters are the array read from disk, not a copy.
     */
    public static ComputationGraph read(Path dir) {
        try {
            ComputationGraphConfiguration configuration = ServingGraph.forServing(
                    ComputationGraphConfiguration.fromJson(Files.readString(dir.resolve(CONFIGURATION))));
            INDArray params = NpyFloats.read(dir.resolve(PARAMETERS));
            ComputationGraph graph = new ComputationGraph(configuration);
            try {
                graph.init(params, false);
            } catch (RuntimeException e) {
                params.close();
                throw e;
            }
            return graph;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model in " + dir, e);
        }
    }
}
