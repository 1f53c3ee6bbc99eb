package io.fovea.core.runtime;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What DL4J's own {@code instantiate} and configuration copies do, for the layers Fovea swaps in. */
public final class LayerWiring {
    private LayerWiring() {}

    /**
     * Copies every field {@code type} and its superclasses declare from {@code from} to {@code to}:
     * a subclass that adds no fields of its own becomes the same configuration.
     */
    public static <T> T copyFields(Class<?> type, Object from, T to) {
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    field.set(to, field.get(from));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot copy " + field, e);
                }
            }
        }
        return to;
    }

    public static Layer wire(
            Layer layer,
            ParamInitializer initializer,
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int index,
            INDArray paramsView,
            boolean initializeParams) {
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer.init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
