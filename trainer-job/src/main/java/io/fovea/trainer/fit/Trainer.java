package io.fovea.trainer.fit;

import io.fovea.core.console.Progress;
import io.fovea.core.preprocess.ImagePreprocessor;
import io.fovea.trainer.data.Augmenter;
import io.fovea.trainer.data.ImageBatches;
import io.fovea.trainer.data.LabelledImages;
import io.fovea.trainer.data.TrainingData;
import io.fovea.trainer.model.Architecture;
import io.fovea.trainer.model.Vgg16Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Trains the whole model in the phases the settings ask for:
 * <ul>
 *   <li>head: the backbone is frozen. Without augmentation its features do not change between
 *       epochs, so they are computed once and the head trains on the cache, orders of magnitude
 *       faster; with augmentation every epoch needs fresh images through the frozen backbone;</li>
 *   <li>finetune: block 5 is unfrozen too, at the lower fine-tuning rate;</li>
 *   <li>full: every layer trains (the sensible choice from random weights).</li>
 * </ul>
 * Every phase stops early on validation loss and keeps its best epoch.
 */
public final class Trainer {
    private final Architecture architecture;
    private final TrainSettings settings;
    private final ImagePreprocessor preprocessor;
    private final TrainingData data;
    private final EpochRunner runner;

    public Trainer(
            Architecture architecture, TrainSettings settings, ImagePreprocessor preprocessor, TrainingData data) {
        requirePhaseFits(architecture.id(), settings.phase());
        this.architecture = architecture;
        this.settings = settings;
        this.preprocessor = preprocessor;
        this.data = data;
        this.runner = new EpochRunner(data.labels(), settings.patience());
    }

    /** Trains {@code model} in place and returns the epoch history. */
    public List<EpochLog> train(ComputationGraph model) {
        List<EpochLog> history = new ArrayList<>();
        switch (settings.phase()) {
            case FULL -> history.addAll(runOnImages("full", model));
            default -> {
                if (settings.phase().trainsHead()) {
                    history.addAll(settings.augment() ? trainHeadOnImages(model) : trainHeadOnCachedFeatures(model));
                }
                if (settings.phase().fineTunes()) {
                    history.addAll(fineTune(model));
                }
            }
        }
        return history;
    }

    /** Head and finetune freeze VGG16's backbone; any other network trains in the full phase only. */
    public static void requirePhaseFits(String architectureId, TrainSettings.Phase phase) {
        boolean vgg = Arrays.stream(Vgg16Architecture.Variant.values())
                .anyMatch(variant -> variant.id().equals(architectureId));
        if (phase != TrainSettings.Phase.FULL && !vgg) {
            throw new IllegalArgumentException(
                    architectureId + " trains in the full phase only: head and finetune are VGG16's");
        }
    }

    private List<EpochLog> trainHeadOnCachedFeatures(ComputationGraph model) {
        Vgg16Architecture vgg = (Vgg16Architecture) architecture;
        ComputationGraph backbone = new ComputationGraph(vgg.backbone());
        backbone.init();
        GraphParams.copyByName(model, backbone);
        DataSet trainFeatures = features(backbone, data.train(), "features (train)");
        DataSet validationFeatures = features(backbone, data.validation(), "features (validation)");

        ComputationGraph head = new ComputationGraph(vgg.head(settings.learningRate()));
        head.init();
        GraphParams.copyByName(model, head);
        int probe = Math.min(settings.probeImages(), trainFeatures.numExamples());
        List<DataSet> probeBatches = trainFeatures.getRange(0, probe).batchBy(settings.batchSize());
        List<DataSet> validationBatches = validationFeatures.batchBy(settings.batchSize());
        Random order = new Random(settings.seed());
        List<EpochLog> history = runner.run(
                "head",
                head,
                settings.epochs(),
                trainFeatures.numExamples(),
                () -> {
                    trainFeatures.shuffle(order.nextLong());
                    return trainFeatures.batchBy(settings.batchSize()).iterator();
                },
                probeBatches::iterator,
                validationBatches::iterator);
        GraphParams.copyByName(head, model);
        return history;
    }

    private DataSet features(ComputationGraph backbone, LabelledImages images, String task) {
        ImageBatches batches = batches(images, null);
        List<INDArray> features = new ArrayList<>();
        List<INDArray> labels = new ArrayList<>();
        try (ProgressBar bar = Progress.bar(task, images.size(), "img")) {
            Iterator<DataSet> it = batches.epoch(false);
            while (it.hasNext()) {
                DataSet batch = it.next();
                features.add(backbone.outputSingle(false, batch.getFeatures()));
                labels.add(batch.getLabels());
                bar.stepBy(batch.numExamples());
            }
        }
        return new DataSet(
                Nd4j.concat(0, features.toArray(INDArray[]::new)), Nd4j.concat(0, labels.toArray(INDArray[]::new)));
    }

    private List<EpochLog> trainHeadOnImages(ComputationGraph model) {
        return runFrozenUpTo("head", model, Vgg16Architecture.FEATURES, settings.learningRate());
    }

    private List<EpochLog> fineTune(ComputationGraph model) {
        return runFrozenUpTo(
                "finetune", model, Vgg16Architecture.LAST_FROZEN_WHEN_FINE_TUNING, settings.fineTuneRate());
    }

    private List<EpochLog> runFrozenUpTo(String phase, ComputationGraph model, String lastFrozen, double learningRate) {
        ComputationGraph partlyFrozen = frozenUpTo(model, lastFrozen, learningRate, settings.seed());
        List<EpochLog> history = runOnImages(phase, partlyFrozen);
        GraphParams.copyByName(partlyFrozen, model);
        return history;
    }

    /** The model with every layer up to {@code lastFrozen} frozen and the rest trained by Adam. */
    public static ComputationGraph frozenUpTo(
            ComputationGraph model, String lastFrozen, double learningRate, long seed) {
        return new TransferLearning.GraphBuilder(model)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder()
                        .updater(new Adam(learningRate))
                        .seed(seed)
                        .build())
                .setFeatureExtractor(lastFrozen)
                .build();
    }

    private List<EpochLog> runOnImages(String phase, ComputationGraph model) {
        ImageBatches train = new ImageBatches(
                data.train(),
                preprocessor,
                data.labels().size(),
                settings.batchSize(),
                settings.augment() ? new Augmenter(settings.seed()) : null,
                settings.seed(),
                settings.labelSmoothing()); // validation and the probe keep plain labels
        int probe = Math.min(settings.probeImages(), data.train().size());
        LabelledImages probeImages =
                data.train().subset(IntStream.range(0, probe).toArray());
        Supplier<Iterator<DataSet>> probeBatches =
                () -> batches(probeImages, null).epoch(false);
        return runner.run(
                phase,
                model,
                settings.epochs(),
                train.size(),
                () -> train.epoch(true),
                probeBatches,
                () -> batches(data.validation(), null).epoch(false));
    }

    private ImageBatches batches(LabelledImages images, Augmenter augmenter) {
        return new ImageBatches(
                images, preprocessor, data.labels().size(), settings.batchSize(), augmenter, settings.seed(), 0);
    }

    /** Layers trained in the first phase of these settings, for the model description. */
    public static Set<String> trainableInFirstPhase(ComputationGraph model, TrainSettings.Phase phase) {
        Set<String> names = new HashSet<>();
        boolean frozen = phase != TrainSettings.Phase.FULL;
        String lastFrozen = phase == TrainSettings.Phase.FINETUNE
                ? Vgg16Architecture.LAST_FROZEN_WHEN_FINE_TUNING
                : Vgg16Architecture.FEATURES;
        for (int index : model.topologicalSortOrder()) {
            var vertex = model.getVertices()[index];
            if (!frozen && !vertex.isInputVertex()) {
                names.add(vertex.getVertexName());
            }
            if (vertex.getVertexName().equals(lastFrozen)) {
                frozen = false;
            }
        }
        return names;
    }
}
