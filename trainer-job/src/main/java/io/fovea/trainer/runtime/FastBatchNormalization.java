package io.fovea.trainer.runtime;

import io.fovea.core.runtime.LayerWiring;
import io.fovea.core.runtime.StandInLayer;
import java.lang.reflect.Field;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's batch norm configuration whose layer trains through {@link FastBatchNormHelper}
 * instead of DL4J's oneDNN helper. Only {@link TrainingGraph#forTraining} creates it; bundles on
 * disk keep the standard class.
 */
public class FastBatchNormalization extends BatchNormalization implements StandInLayer {

    /** Jackson and DL4J's {@code clone()} need it; use {@link #copyOf}. */
    public FastBatchNormalization() {}

    static boolean applies(BatchNormalization layer) {
        return layer.getClass() == BatchNormalization.class && !layer.isLockGammaBeta();
    }

    static FastBatchNormalization copyOf(BatchNormalization standard) {
        return LayerWiring.copyFields(BatchNormalization.class, standard, new FastBatchNormalization());
    }

    @Override
    public BatchNormalization toStandard() {
        return LayerWiring.copyFields(BatchNormalization.class, this, new BatchNormalization());
    }

    /** DL4J's layer, with its oneDNN helper replaced where it has one (its field is package-private). */
    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int index,
            INDArray paramsView,
            boolean initializeParams,
            DataType networkDataType) {
        Layer layer = super.instantiate(conf, listeners, index, paramsView, initializeParams, networkDataType);
        try {
            Field helper =
                    org.deeplearning4j.nn.layers.normalization.BatchNormalization.class.getDeclaredField("helper");
            helper.setAccessible(true);
            if (helper.get(layer) instanceof MKLDNNBatchNormHelper) {
                helper.set(layer, new FastBatchNormHelper(networkDataType));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DL4J's batch norm layer has no helper field to set", e);
        }
        return layer;
    }
}
