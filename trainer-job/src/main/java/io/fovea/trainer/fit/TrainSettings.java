package io.fovea.trainer.fit;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.CycleSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * How to train.
 *
 * @param phase          head, finetune, both (head then finetune) or full (every layer, for random starts)
 * @param epochs         maximum epochs of each phase (early stopping may end one sooner)
 * @param learningRate   Adam's rate, or the peak of the one-cycle schedule
 * @param fineTuneRate   Adam learning rate while block 5 is unfrozen: lower, so the pretrained filters move gently
 * @param probeImages    training images re-scored after each epoch for the training accuracy curve
 * @param weightDecay    L2 penalty on the weights
 * @param labelSmoothing share of each training label spread evenly over all classes
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
        int probeImages,
        Optimizer optimizer,
        double weightDecay,
        double labelSmoothing) {

    /** Refuses settings that would train nothing or publish a broken model, naming the option. */
    public TrainSettings {
        require(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        require(batchSize >= 1, "--batch must be at least 1, got " + batchSize);
        require(learningRate > 0 && Double.isFinite(learningRate), "--lr must be above 0, got " + learningRate);
        require(
                fineTuneRate > 0 && Double.isFinite(fineTuneRate),
                "--finetune-lr must be above 0, got " + fineTuneRate);
        require(patience >= 1, "--patience must be at least 1, got " + patience);
        require(
                weightDecay >= 0 && Double.isFinite(weightDecay),
                "--weight-decay must be 0 or more, got " + weightDecay);
        require(
                labelSmoothing >= 0 && labelSmoothing < 1,
                "--label-smoothing must be in [0, 1), got " + labelSmoothing);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Momentum of SGD with Nesterov's update. */
    static final double MOMENTUM = 0.9;

    /**
     * The updater of full training over {@code trainImages} a epoch. The one-cycle schedule
     * (Smith) climbs linearly from a twentieth of the peak to the peak over the first 45% of
     * steps, comes back down over the next 45%, then anneals towards zero: the schedule spans
     * every epoch, so it ends where the run ends.
     */
    public IUpdater updater(int trainImages) {
        if (optimizer == Optimizer.ADAM) {
            return new Adam(learningRate);
        }
        int steps = epochs * ((trainImages + batchSize - 1) / batchSize);
        int annealing = Math.max(1, steps / 10);
        return new Nesterovs(
                new CycleSchedule(ScheduleType.ITERATION, learningRate / 20, learningRate, steps, annealing, 0.1),
                MOMENTUM);
    }

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
        map.put("optimizer", optimizer.id());
        map.put("weight_decay", weightDecay);
        map.put("label_smoothing", labelSmoothing);
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

    /** Adam at a fixed rate (transfer learning), or SGD with Nesterov momentum on a one-cycle schedule. */
    public enum Optimizer {
        ADAM("adam"),
        SGD_ONE_CYCLE("sgd-one-cycle");

        private final String id;

        Optimizer(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Optimizer of(String id) {
            for (Optimizer o : values()) {
                if (o.id.equals(id)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("--optimizer must be adam or sgd-one-cycle, got '" + id + "'");
        }
    }
}
