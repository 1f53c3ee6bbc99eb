package io.fovea.trainer;

import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.BundleIntegrityException;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.onnx.OnnxBundles;
import io.fovea.core.preprocess.ImagePreprocessor;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.release.ReleasePublisher;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.StagedBundle;
import io.fovea.schemas.kafka.KafkaConnection;
import io.fovea.trainer.data.ImageBatches;
import io.fovea.trainer.data.LabelledImages;
import io.fovea.trainer.data.NormaliserFit;
import io.fovea.trainer.data.TrainingData;
import io.fovea.trainer.fit.EpochLog;
import io.fovea.trainer.fit.Scores;
import io.fovea.trainer.fit.TrainSettings;
import io.fovea.trainer.fit.Trainer;
import io.fovea.trainer.model.Architecture;
import io.fovea.trainer.model.BackboneWeights;
import io.fovea.trainer.report.ModelCard;
import io.fovea.trainer.report.ReportWriter;
import io.fovea.trainer.runtime.TrainingGraph;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One training run, from loaded data to a committed bundle: build the model, load the backbone
 * weights, train, evaluate on validation and test, write model file and report to a staging
 * folder, check the written model gives the same outputs as the one in memory, then publish
 * the version atomically (and announce it on Kafka when asked).
 */
public final class TrainingRun {

    /** What to build and where to put it. */
    public record Request(
            String name,
            Architecture architecture,
            String weights,
            TrainSettings settings,
            ModelStore store,
            KafkaConnection kafka) {}

    /** What came out. */
    public record Result(BundleManifest manifest, URI bundle, ComputationGraph model, List<EpochLog> history) {}

    private final PrintWriter out;
    private boolean int8;

    public TrainingRun(PrintWriter out) {
        this.out = out;
    }

    /** Also publishes {@code model.int8.onnx} when it passes the accuracy gate ({@link Int8Step}). */
    public TrainingRun withInt8(boolean int8) {
        this.int8 = int8;
        return this;
    }

    public Result run(Request request, TrainingData data) {
        Architecture arch = request.architecture();
        // max pooling on the plain kernel, forward and backward, as served: the same gradients
        // (ServingGraphTest); the bundle is written as standard DL4J all the same
        ComputationGraph model = new ComputationGraph(TrainingGraph.forTraining(arch.whole(
                request.settings().updater(data.train().size()),
                request.settings().weightDecay())));
        model.init();
        String weights = BackboneWeights.apply(request.weights(), model);
        Preprocessing preprocessing = BackboneWeights.NONE.equals(weights)
                ? NormaliserFit.fit(data.train(), arch.inputSize())
                : Preprocessing.vggImagenetMean(arch.inputSize());
        ImagePreprocessor preprocessor = new ImagePreprocessor(preprocessing);
        out.printf(
                "Training %s (%s, weights %s) on %d images, validating on %d; preprocessing %s%n",
                request.name(),
                arch.id(),
                weights,
                data.train().size(),
                data.validation().size(),
                preprocessing);
        out.flush();

        List<EpochLog> history = new Trainer(arch, request.settings(), preprocessor, data).train(model);
        int batch = request.settings().batchSize();
        Scores validation = Scores.of(
                model, batches(data.validation(), preprocessor, data, batch).epoch(false), data.labels());
        Scores test = data.test() == null
                ? null
                : Scores.of(
                        model, batches(data.test(), preprocessor, data, batch).epoch(false), data.labels());
        return publish(request, data, new Trained(model, weights, preprocessor, history, validation, test));
    }

    /** The trained model and what was learnt about it, ready to be written. */
    private record Trained(
            ComputationGraph model,
            String weights,
            ImagePreprocessor preprocessor,
            List<EpochLog> history,
            Scores validation,
            Scores test) {}

    /** Writes model, export and report to a staging folder, checks them, commits the version and announces it. */
    private Result publish(Request request, TrainingData data, Trained trained) {
        try (StagedBundle staged = request.store().stage(request.name())) {
            ModelFiles.write(trained.model(), staged.dir());
            // the same network as ONNX, for ONNX Runtime and for anyone else's tools
            List<String> files = OnnxBundles.writeBeside(
                    trained.model(), request.architecture().inputSize(), staged.dir());
            String sha256 = ModelFiles.sha256(staged.dir(), files);
            checkReloadMatches(trained.model(), staged.dir(), data, trained.preprocessor());
            BundleManifest manifest = manifest(request, data, trained, staged.version(), files, sha256);
            if (int8) {
                manifest = Int8Step.apply(manifest, staged.dir(), data, out);
            }
            ReportWriter.write(
                    staged.dir().resolve("report"),
                    card(request, trained, manifest),
                    trained.history(),
                    trained.validation(),
                    trained.test(),
                    data.labels());
            staged.commit(manifest);
            URI bundle = request.store().uri(request.name(), manifest.version());
            if (request.kafka() != null) {
                announce(request, manifest);
            }
            return new Result(manifest, bundle, trained.model(), trained.history());
        }
    }

    private static BundleManifest manifest(
            Request request, TrainingData data, Trained trained, int version, List<String> files, String sha256) {
        return new BundleManifest(
                request.name(),
                version,
                Instant.now(),
                request.architecture().id(),
                trained.weights(),
                data.labels(),
                trained.preprocessor().spec(),
                files,
                sha256,
                request.settings().asMap(),
                data.description(),
                ReportWriter.headline(trained.validation(), trained.test()),
                CodeVersion.describe(),
                List.of(ModelFormat.dl4j(), ModelFormat.exportedOnnx()));
    }

    private static ModelCard card(Request request, Trained trained, BundleManifest manifest) {
        return new ModelCard(
                manifest.name(),
                manifest.version(),
                manifest.architecture(),
                trained.weights(),
                request.architecture().inputSize(),
                trained.preprocessor().spec().toString(),
                manifest.training(),
                manifest.data(),
                manifest.codeVersion());
    }

    /** Sends the new version as PUBLISHED on the releases topic. */
    private static void announce(Request request, BundleManifest manifest) {
        try (ReleasePublisher publisher = new ReleasePublisher(request.kafka())) {
            publisher.send(ReleasePublisher.of(
                    manifest, request.store().uri(manifest.name(), manifest.version()), ReleaseAction.PUBLISHED, null));
        }
    }

    /** The file on disk must be the model we evaluated: same outputs for the same inputs, bit for bit. */
    private static void checkReloadMatches(
            ComputationGraph model, Path bundleDir, TrainingData data, ImagePreprocessor preprocessor) {
        LabelledImages sample = data.validation()
                .subset(IntStream.range(0, Math.min(8, data.validation().size()))
                        .toArray());
        INDArray input = preprocessor.toBatch(sample.images());
        INDArray expected = model.outputSingle(false, input);
        ComputationGraph reloaded = ModelFiles.read(bundleDir);
        INDArray actual = reloaded.outputSingle(false, input);
        reloaded.close();
        if (!expected.equalsWithEps(actual, 1e-6)) {
            throw new BundleIntegrityException(
                    bundleDir + ": the saved model's outputs differ from the trained model's");
        }
    }

    private static ImageBatches batches(
            LabelledImages images, ImagePreprocessor preprocessor, TrainingData data, int batch) {
        return new ImageBatches(images, preprocessor, data.labels().size(), batch, null, 0, 0);
    }
}
