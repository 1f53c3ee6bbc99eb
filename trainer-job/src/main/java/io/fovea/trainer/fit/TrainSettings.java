package io.fovea.trainer.fit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to train.
 *
 * @param phase          head, finetune, both (head then finetune) or full (every layer, for random starts)
 * @param epochs         maximum epochs of each phase (early stopping may end one sooner)
 * @param learningRate   Adam learning rate of the head and of full training
 * @param fineTuneRate   Adam learning rate while block 5 is unfrozen: lower, so the pretrained filters move gently
 * @param probeImages    training images re-scored after each epoch for the training accuracy curve
 */
public record TrainSettings(
        Phase phase,
        int epochs,
        int batchSize,
        double learningRate,
        double fineTuneRate,
        int patience,
        boolean augment,
        long seed,
        int probeImages) {

    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("phase", phase.name().toLowerCase());
        map.put("epochs", epochs);
        map.put("batch", batchSize);
        map.put("lr", learningRate);
        map.put("finetune_lr", fineTuneRate);
        map.put("patience", patience);
        map.put("augment", augment);
        map.put("seed", seed);
        map.put("optimizer", "adam");
        return map;
    }

    public enum Phase {
        HEAD,
        FINETUNE,
        BOTH,
        FULL;

        public boolean trainsHead() {
            return this == HEAD || this == BOTH;
        }

        public boolean fineTunes() {
            return this == FINETUNE || this == BOTH;
        }
    }
}
