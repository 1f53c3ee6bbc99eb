package io.fovea.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.trainer.TrainerFixtures;
import java.lang.reflect.Field;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The oneDNN fast path must compute what DL4J's built-in path computes. */
class FastPathEquivalenceTest {
    @BeforeAll
    static void backend() {
        TrainerFixtures.init();
    }

    private static ComputationGraph vgg16(boolean helpers) {
        String before = System.getProperty(NativeBackend.HELPERS_DISABLE);
        System.setProperty(NativeBackend.HELPERS_DISABLE, Boolean.toString(!helpers));
        try {
            ComputationGraph graph =
                    new ComputationGraph(new Vgg16Architecture(Vgg16Architecture.Variant.VGG16, 32, 10, 5).whole(1e-3));
            graph.init();
            return graph;
        } finally {
            System.setProperty(NativeBackend.HELPERS_DISABLE, before);
        }
    }

    private static Object helperOf(ComputationGraph graph) throws ReflectiveOperationException {
        Field helper = ConvolutionLayer.class.getDeclaredField("helper");
        helper.setAccessible(true);
        return helper.get(graph.getLayer("block1_conv1"));
    }

    @Test
    void oneDnnIsReallyOnAndMatchesTheBuiltInPathWithin1e6() throws ReflectiveOperationException {
        assertTrue(BaseMKLDNNHelper.mklDnnEnabled(), "DL4J must see oneDNN as enabled (the Nd4jCpu shim)");
        ComputationGraph fast = vgg16(true);
        ComputationGraph slow = vgg16(false);
        assertEquals("MKLDNNConvHelper", helperOf(fast).getClass().getSimpleName());
        assertNull(helperOf(slow));
        slow.setParams(fast.params());

        INDArray input = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 3, 32, 32)
                .muli(100);
        INDArray a = fast.outputSingle(false, input);
        INDArray b = slow.outputSingle(false, input);
        double maxDifference = a.sub(b).amaxNumber().doubleValue();
        assertTrue(maxDifference <= 1e-6, "max |fast - slow| = " + maxDifference);
    }
}
