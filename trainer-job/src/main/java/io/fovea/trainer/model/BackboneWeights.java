package io.fovea.trainer.model;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.common.resources.ResourceType;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.model.VGG16;

/**
 * Where the backbone's weights come from: DL4J's ImageNet VGG16 (downloaded once into the zoo
 * cache and verified by its checksum), a local file (a DL4J model zip or a Keras {@code .h5} of
 * VGG16), or nowhere ({@code none}: random initialisation). The 13 convolution layers of the
 * source are copied, in order, into ours; the source's top, if any, is ignored.
 */
public final class BackboneWeights {
    public static final String IMAGENET = "imagenet";
    public static final String NONE = "none";

    private BackboneWeights() {}

    /** @return how the manifest names the weights: {@code imagenet}, {@code none} or {@code file:NAME} */
    public static String apply(String spec, ComputationGraph model) {
        if (NONE.equals(spec)) {
            return NONE;
        }
        if (IMAGENET.equals(spec)) {
            copyConvolutions(imagenet(), model, "ImageNet VGG16");
            return IMAGENET;
        }
        Path file = Path.of(spec);
        copyConvolutions(fromFile(file), model, file.toString());
        return "file:" + file.getFileName();
    }

    /** The zoo's cache file for the ImageNet weights: where an offline machine must put them. */
    public static File imagenetCacheFile() {
        VGG16 zoo = VGG16.builder().build();
        String url = zoo.pretrainedUrl(PretrainedType.IMAGENET);
        return new File(DL4JResources.getDirectory(ResourceType.ZOO_MODEL, zoo.modelName()), new File(url).getName());
    }

    private static Model imagenet() {
        ZooModel<?> zoo = VGG16.builder().build();
        File cache = imagenetCacheFile();
        try {
            return zoo.initPretrained(PretrainedType.IMAGENET);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "ImageNet VGG16 weights are not in the zoo cache " + cache
                            + " and could not be downloaded (" + rootMessage(e)
                            + "). On a machine without internet, copy "
                            + new File(zoo.pretrainedUrl(PretrainedType.IMAGENET)).getName() + " from "
                            + zoo.pretrainedUrl(PretrainedType.IMAGENET) + " to " + cache
                            + " (DL4J checks its Adler-32 checksum), or pass --weights FILE.",
                    e);
        }
    }

    private static Model fromFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--weights " + file + ": no such file (expected imagenet, none, "
                    + "a DL4J model zip or a Keras .h5)");
        }
        String name = file.getFileName().toString().toLowerCase();
        try {
            if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
                try {
                    return KerasModelImport.importKerasModelAndWeights(file.toString(), false);
                } catch (Exception functionalFailed) {
                    return KerasModelImport.importKerasSequentialModelAndWeights(file.toString(), false);
                }
            }
            try {
                return ModelSerializer.restoreComputationGraph(file.toFile(), false);
            } catch (Exception notAGraph) {
                return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
            }
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    "--weights " + file + ": not a readable DL4J zip or Keras .h5: " + rootMessage(e), e);
        }
    }

    static void copyConvolutions(Model source, ComputationGraph target, String sourceName) {
        List<Layer> sourceConvs = convolutions(source);
        List<String> names = Vgg16Architecture.convLayerNames();
        if (sourceConvs.size() < names.size()) {
            throw new IllegalArgumentException(
                    sourceName + " has " + sourceConvs.size() + " convolution layers; VGG16 has " + names.size());
        }
        for (int i = 0; i < names.size(); i++) {
            Layer from = sourceConvs.get(i);
            Layer to = target.getLayer(names.get(i));
            if (to == null || to.numParams() == 0) {
                throw new IllegalStateException("this model has no layer " + names.get(i));
            }
            for (String key : to.paramTable().keySet()) {
                var want = to.getParam(key);
                var got = from.getParam(key);
                if (got == null || !Arrays.equals(want.shape(), got.shape())) {
                    throw new IllegalArgumentException(sourceName + ": convolution " + (i + 1) + " (" + names.get(i)
                            + ") parameter " + key + " has shape "
                            + (got == null ? "none" : Arrays.toString(got.shape()))
                            + ", expected " + Arrays.toString(want.shape()));
                }
                to.setParam(key, got.dup());
            }
        }
    }

    private static List<Layer> convolutions(Model model) {
        List<Layer> result = new ArrayList<>();
        if (model instanceof ComputationGraph graph) {
            for (int index : graph.topologicalSortOrder()) {
                var vertex = graph.getVertices()[index];
                if (vertex.hasLayer() && vertex.getLayer().conf().getLayer() instanceof ConvolutionLayer) {
                    result.add(vertex.getLayer());
                }
            }
        } else if (model instanceof MultiLayerNetwork network) {
            for (Layer layer : network.getLayers()) {
                if (layer.conf().getLayer() instanceof ConvolutionLayer) {
                    result.add(layer);
                }
            }
        }
        return result;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
