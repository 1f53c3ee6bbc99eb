package io.fovea.cli.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.cli.demo.CifarLocator;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.dataset.CifarBinaryDataset;
import io.fovea.core.dataset.ClassLabels;
import io.fovea.core.image.ImageDecoder;
import io.fovea.core.image.RandomImages;
import io.fovea.core.image.RgbImage;
import io.fovea.core.onnx.OnnxExport;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.stream.model.Probabilities;
import io.fovea.stream.model.backend.Dl4jModelRunner;
import io.fovea.stream.model.backend.OnnxModelRunner;
import io.fovea.stream.model.backend.OnnxSessions;
import io.fovea.trainer.model.ResNet9Architecture;
import io.fovea.trainer.model.Vgg16Architecture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Fovea's exporter against DL4J itself: the VGG16 network as the trainer builds it (with and
 * without batch norm), trained a few steps so that every parameter and batch-norm statistic has
 * moved from its initial value, then exported; ONNX Runtime and DL4J classify the same 256
 * CIFAR-10 test images through the same preprocessing.
 */
class OnnxExportEquivalenceTest {
    private static final int IMAGES = 256;
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @ParameterizedTest
    @EnumSource(Vgg16Architecture.Variant.class)
    void onnxRuntimeAnswersAsDl4jOnCifarTestImages(Vgg16Architecture.Variant variant) {
        ComputationGraph graph = new ComputationGraph(new Vgg16Architecture(variant, 32, 10, 42).whole(1e-3));
        graph.init();
        trainBriefly(graph);
        compare(variant.id(), graph, 1);
    }

    /** The from-scratch network: residual adds, global max pooling and a fixed scale export too. */
    @Test
    void onnxRuntimeAnswersAsDl4jForTheFromScratchResNet() {
        ComputationGraph graph = new ComputationGraph(new ResNet9Architecture(32, 10, 42).whole(new Adam(1e-3), 5e-4));
        graph.init();
        trainBriefly(graph);
        compare(ResNet9Architecture.ID, graph, 1);
    }

    private static void trainBriefly(ComputationGraph graph) {
        for (int step = 0; step < 3; step++) {
            Nd4j.getRandom().setSeed(step + 1);
            INDArray features = Nd4j.rand(new long[] {32, 3, 32, 32}).subi(0.5).muli(4);
            INDArray labels = Nd4j.zeros(32, 10);
            for (int i = 0; i < 32; i++) {
                labels.putScalar(i, (i + step) % 10, 1);
            }
            graph.fit(new DataSet(features, labels));
        }
    }

    /**
     * A small network of the same layer kinds, whose random weights give images different
     * classes (VGG16 a few steps into training answers one class for all): strided convolutions
     * on odd sizes, so DL4J's uneven Same padding is exercised too.
     */
    @Test
    void onnxRuntimeAnswersAsDl4jWithUnevenPaddingAndVariedClasses() {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(3)
                .weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(32, 32, 3))
                .addLayer(
                        "c1",
                        conv(16, 2)
                                .activation(Activation.IDENTITY)
                                .hasBias(false)
                                .build(),
                        "input")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "c1")
                .addLayer(
                        "r1",
                        new ActivationLayer.Builder()
                                .activation(Activation.RELU)
                                .build(),
                        "bn1")
                .addLayer("c2", conv(24, 2).activation(Activation.RELU).build(), "r1")
                .addLayer(
                        "p2",
                        new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                                .kernelSize(3, 3)
                                .stride(2, 2)
                                .convolutionMode(ConvolutionMode.Same)
                                .build(),
                        "c2")
                .addLayer(
                        "fc",
                        new DenseLayer.Builder()
                                .nOut(32)
                                .activation(Activation.RELU)
                                .build(),
                        "p2")
                .addLayer("drop", new DropoutLayer.Builder(0.5).build(), "fc")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nOut(10)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "drop")
                .setOutputs("out")
                .build());
        graph.init();
        Nd4j.getRandom().setSeed(5);
        for (String bn : List.of("bn1")) { // running statistics away from their initial 0 and 1
            graph.getLayer(bn)
                    .getParam("mean")
                    .assign(Nd4j.randn(DataType.FLOAT, 1, 16).muli(0.3));
            graph.getLayer(bn)
                    .getParam("log10stdev")
                    .assign(Nd4j.rand(DataType.FLOAT, 1, 16).muli(0.6).subi(0.3));
            graph.getLayer(bn)
                    .getParam("gamma")
                    .assign(Nd4j.rand(DataType.FLOAT, 1, 16).addi(0.5));
            graph.getLayer(bn)
                    .getParam("beta")
                    .assign(Nd4j.randn(DataType.FLOAT, 1, 16).muli(0.2));
        }
        compare("small", graph, 3);
    }

    private static ConvolutionLayer.Builder conv(int filters, int stride) {
        return new ConvolutionLayer.Builder(3, 3)
                .nOut(filters)
                .stride(stride, stride)
                .convolutionMode(ConvolutionMode.Same);
    }

    /** DL4J and ONNX Runtime on the same images; at least {@code distinctClasses} top-1 classes among them. */
    private void compare(String what, ComputationGraph graph, int distinctClasses) {
        Preprocessing preprocessing = Preprocessing.fitted(32, new double[] {125, 123, 114}, new double[] {63, 62, 66});
        OnnxExport.write(graph, 32, dir.resolve(what + ".onnx"));
        BundleManifest manifest = new BundleManifest(
                "exported",
                1,
                Instant.now(),
                what,
                "none",
                ClassLabels.CIFAR10,
                preprocessing,
                List.of(what + ".onnx"),
                io.fovea.core.bundle.ModelFiles.sha256(dir, List.of(what + ".onnx")),
                Map.of(),
                Map.of(),
                Map.of(),
                "test",
                List.of(ModelFormat.onnx(what + ".onnx", ModelFormat.NCHW, ModelFormat.PROBABILITIES)));
        List<RgbImage> images = cifarTestImages();

        Probabilities expected = new Dl4jModelRunner(manifest, graph).predict(images);
        Probabilities actual;
        VerifiedBundle exported = new VerifiedBundle(
                manifest, Map.of(what + ".onnx", bytes(dir.resolve(what + ".onnx"))), dir.toString());
        try (OnnxModelRunner onnx = OnnxModelRunner.checked(exported, OnnxSessions.cpu())) {
            actual = onnx.predict(images);
        }

        double maxDifference = expected.maxAbsDifference(actual);
        System.out.printf(
                "%s: max |ONNX Runtime - DL4J| over %d images x 10 classes = %.2e%n", what, IMAGES, maxDifference);
        assertTrue(maxDifference <= TOLERANCE, what + ": max difference " + maxDifference);
        for (int i = 0; i < IMAGES; i++) {
            assertEquals(expected.argMax(i), actual.argMax(i), what + ": top-1 of image " + i);
        }
        int distinctTop1 = (int) java.util.stream.IntStream.range(0, IMAGES)
                .map(i -> expected.argMax(i))
                .distinct()
                .count();
        System.out.printf("%s: %d distinct top-1 classes%n", what, distinctTop1);
        assertTrue(distinctTop1 >= distinctClasses, what + ": " + distinctTop1 + " distinct classes");
    }

    /** The first 256 images of CIFAR-10's test batch where it is (as the demo looks), else random ones. */
    private static List<RgbImage> cifarTestImages() {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        try {
            Path batch = CifarLocator.testBatch(null, System.getenv(CifarLocator.ENV), root);
            ImageDecoder decoder = new ImageDecoder(1 << 20);
            return CifarBinaryDataset.open(batch)
                    .items()
                    .limit(IMAGES)
                    .map(item ->
                            decoder.decode(item.format(), item.width(), item.height(), item.channels(), item.bytes()))
                    .toList();
        } catch (IllegalArgumentException notHere) {
            System.out.println("CIFAR-10 not found (" + notHere.getMessage() + "): random images instead");
            return RandomImages.of(IMAGES, 32, 11);
        }
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
