package io.fovea.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.trainer.TrainerFixtures;
import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class BackboneWeightsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        TrainerFixtures.init();
    }

    private static ComputationGraph whole(long seed) {
        ComputationGraph graph =
                new ComputationGraph(new Vgg16Architecture(Vgg16Architecture.Variant.VGG16, 32, 10, seed).whole(1e-3));
        graph.init();
        return graph;
    }

    @Test
    void aLocalDl4jZipOfVgg16ConvolutionsIsCopiedLayerByLayer() throws Exception {
        // a VGG16 backbone of its own, saved as a DL4J zip, stands in for a downloaded one
        ComputationGraph source =
                new ComputationGraph(new Vgg16Architecture(Vgg16Architecture.Variant.VGG16, 32, 10, 99).backbone());
        source.init();
        File file = dir.resolve("vgg16-notop.zip").toFile();
        ModelSerializer.writeModel(source, file, false);

        ComputationGraph target = whole(1);
        assertNotEquals(
                source.getLayer("block3_conv2").params(),
                target.getLayer("block3_conv2").params());
        String weights = BackboneWeights.apply(file.toString(), target);

        assertEquals("file:vgg16-notop.zip", weights);
        for (String name : Vgg16Architecture.convLayerNames()) {
            assertEquals(source.getLayer(name).params(), target.getLayer(name).params(), name);
        }
    }

    @Test
    void aFileThatIsNotVgg16IsAClearError() throws Exception {
        ComputationGraph tiny = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.feedForward(4))
                .addLayer("d", new DenseLayer.Builder().nOut(3).build(), "in")
                .addLayer(
                        "o",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nOut(2)
                                .build(),
                        "d")
                .setOutputs("o")
                .build());
        tiny.init();
        File file = dir.resolve("tiny.zip").toFile();
        ModelSerializer.writeModel(tiny, file, false);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BackboneWeights.apply(file.toString(), whole(1)));
        assertTrue(e.getMessage().contains("has 0 convolution layers; VGG16 has 13"), e.getMessage());

        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class,
                () -> BackboneWeights.apply(dir.resolve("none.h5").toString(), whole(1)));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    }

    @Test
    void imagenetWithoutCacheOrNetworkSaysWhereToPutTheFile() {
        DL4JResources.setBaseDirectory(dir.toFile());
        try {
            File cache = BackboneWeights.imagenetCacheFile();
            assertTrue(cache.toPath().startsWith(dir), cache.toString());
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> BackboneWeights.apply("imagenet", whole(1)));
            assertTrue(e.getMessage().contains("not in the zoo cache " + cache), e.getMessage());
            assertTrue(e.getMessage().contains("copy vgg16_dl4j_inference.zip"), e.getMessage());
        } finally {
            DL4JResources.resetBaseDirectoryLocation();
        }
    }
}
