package io.fovea.core.bundle;

import io.fovea.core.runtime.ServingGraph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * <p>Why not DL4J's {@code ModelSerializer} zip: it reads parameters one number at a time, and a
 * hot-swap spends that CPU beside the forward passes that serve traffic; a NumPy file is read
 * straight into the array's memory ({@link NpyFloats}; figures: docs/benchmarks.md, "One-off
 * probes"). The files are also readable without DL4J ({@code numpy.load}), and a DL4J user loads
 * them with {@link #read}.
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
     * faster pooling); for a model just written, whose checksum nobody vouches for yet.
     */
    public static ComputationGraph read(Path dir) {
        try {
            return graph(
                    Files.readAllBytes(dir.resolve(CONFIGURATION)), Files.readAllBytes(dir.resolve(PARAMETERS)), dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model in " + dir, e);
        }
    }

    /**
     * The model of a verified bundle, built from the very bytes its SHA-256 was checked over, so a
     * file replaced between the check and the load cannot serve; its parameters are read into the
     * array it runs on, not copied again.
     */
    public static ComputationGraph graph(VerifiedBundle bundle) {
        return graph(bundle.file(CONFIGURATION), bundle.file(PARAMETERS), bundle.source());
    }

    private static ComputationGraph graph(byte[] configuration, byte[] parameters, Object source) {
        INDArray params;
        try {
            params = NpyFloats.read(parameters, source + "/" + PARAMETERS);
        } catch (IOException e) {
            throw new BundleIntegrityException(source + ": not a loadable model: " + e.getMessage(), e);
        }
        try {
            return build(configuration, params);
        } catch (RuntimeException e) {
            params.close();
            throw new BundleIntegrityException(source + ": not a loadable model: " + e.getMessage(), e);
        }
    }

    /** The graph for serving, on {@code params} as they are (the caller closes them if this fails). */
    private static ComputationGraph build(byte[] configurationBytes, INDArray params) {
        ComputationGraphConfiguration configuration = ServingGraph.forServing(
                ComputationGraphConfiguration.fromJson(new String(configurationBytes, StandardCharsets.UTF_8)));
        ComputationGraph graph = new ComputationGraph(configuration);
        graph.init(params, false);
        return graph;
    }
}
