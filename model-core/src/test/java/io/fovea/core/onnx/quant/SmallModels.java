package io.fovea.core.onnx.quant;

import io.fovea.core.onnx.OnnxGraph;
import java.util.Random;

/** Small ONNX models built node by node: the kinds of graph the quantizer meets, in miniature. */
public final class SmallModels {
    public static final int SIDE = 8;
    public static final int CLASSES = 4;

    private SmallModels() {}

    /** Conv, BatchNormalization, Relu, MaxPool, Conv, Relu, Flatten, Gemm, Softmax: a VGG in miniature. */
    public static byte[] vggLike(long seed) {
        Random random = new Random(seed);
        OnnxGraph g = new OnnxGraph("vgg-like").input("image", -1, 3, SIDE, SIDE);
        conv(g, random, "c1", "image", 3, 8);
        g.initializer("bn_scale", positive(random, 8), 8)
                .initializer("bn_bias", gaussian(random, 8, 0.1), 8)
                .initializer("bn_mean", gaussian(random, 8, 0.1), 8)
                .initializer("bn_var", positive(random, 8), 8)
                .node(
                        "BatchNormalization",
                        new String[] {"c1", "bn_scale", "bn_bias", "bn_mean", "bn_var"},
                        "bn",
                        "epsilon",
                        1e-5f)
                .node("Relu", new String[] {"bn"}, "r1")
                .node("MaxPool", new String[] {"r1"}, "p1", "kernel_shape", new long[] {2, 2}, "strides", new long[] {
                    2, 2
                });
        conv(g, random, "c2", "p1", 8, 8);
        g.node("Relu", new String[] {"c2"}, "r2").node("Flatten", new String[] {"r2"}, "flat", "axis", 1L);
        int features = 8 * (SIDE / 2) * (SIDE / 2);
        g.initializer("fc_W", gaussian(random, features * CLASSES, Math.sqrt(2.0 / features)), features, CLASSES)
                .initializer("fc_b", gaussian(random, CLASSES, 0.1), CLASSES)
                .node("Gemm", new String[] {"flat", "fc_W", "fc_b"}, "logits")
                .node("Softmax", new String[] {"logits"}, "probabilities", "axis", 1L)
                .output("probabilities", -1, CLASSES);
        return g.toBytes();
    }

    /** Conv, Relu, then a residual block (Conv, Relu, Conv, Add, Relu), global pooling, Gemm: a ResNet in miniature. */
    public static byte[] resnetLike(long seed) {
        Random random = new Random(seed);
        OnnxGraph g = new OnnxGraph("resnet-like").input("image", -1, 3, SIDE, SIDE);
        conv(g, random, "c1", "image", 3, 8);
        g.node("Relu", new String[] {"c1"}, "r1");
        conv(g, random, "c2", "r1", 8, 8);
        g.node("Relu", new String[] {"c2"}, "r2");
        conv(g, random, "c3", "r2", 8, 8);
        g.node("Add", new String[] {"c3", "r1"}, "sum")
                .node("Relu", new String[] {"sum"}, "r3")
                .node("GlobalMaxPool", new String[] {"r3"}, "pool")
                .node("Flatten", new String[] {"pool"}, "flat", "axis", 1L)
                .initializer("fc_W", gaussian(random, 8 * CLASSES, 0.5), 8, CLASSES)
                .initializer("fc_b", gaussian(random, CLASSES, 0.1), CLASSES)
                .node("Gemm", new String[] {"flat", "fc_W", "fc_b"}, "logits")
                .output("logits", -1, CLASSES);
        return g.toBytes();
    }

    private static void conv(OnnxGraph g, Random random, String name, String in, int from, int to) {
        g.initializer(name + "_W", gaussian(random, to * from * 9, Math.sqrt(2.0 / (from * 9))), to, from, 3, 3)
                .initializer(name + "_b", gaussian(random, to, 0.1), to)
                .node(
                        "Conv",
                        new String[] {in, name + "_W", name + "_b"},
                        name,
                        "kernel_shape",
                        new long[] {3, 3},
                        "pads",
                        new long[] {1, 1, 1, 1});
    }

    static float[] gaussian(Random random, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return v;
    }

    private static float[] positive(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.5f + random.nextFloat();
        }
        return v;
    }
}
