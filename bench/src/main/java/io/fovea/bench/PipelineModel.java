package io.fovea.bench;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.cli.StoreOption;
import io.fovea.core.onnx.quant.AccuracyGate;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.core.store.ModelRef;
import io.fovea.core.store.StagedBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench pipeline}'s model and images: the bench's random-weight VGG16 on random images, or
 * a stored version on labelled images, whose predictions are then scored as they arrive downstream.
 */
final class PipelineModel {
    @Option(
            names = "--model",
            paramLabel = "NAME@VERSION",
            description = {
                "Run every row on this stored version (its model.onnx, and model.int8.onnx for --precision int8)"
                        + " instead of the bench's random-weight VGG16; it must take 32x32 images."
            })
    String model;

    @Mixin
    StoreOption store;

    @Option(
            names = "--images",
            paramLabel = "PATH",
            description = {
                "Labelled images to write, in turn: a CIFAR-10 binary batch file, or a folder's test_batch.bin;"
                        + " each pipeline's predictions are then scored against the labels, beside the manifest's"
                        + " test top-1 (default: random images, no accuracy)."
            })
    Path images;

    /**
     * The version every row runs, in the bench's own store, with what the run needs to know of it.
     *
     * @param manifest null for the bench's VGG16, which records no accuracy
     * @param gate what quantizing the bench's VGG16 measured (its gate is not applied); null otherwise
     */
    record Served(String name, int version, BundleManifest manifest, AccuracyGate gate, BenchImages images) {
        String describe() {
            return manifest == null
                    ? "VGG16 (plain) + classic head, random weights, 32x32"
                    : String.format(
                            "%s@%d (%s, weights: %s), 32x32",
                            manifest.name(), manifest.version(), manifest.architecture(), manifest.weights());
        }
    }

    /** Puts the version to run into {@code work}, promoted, and reads the images. */
    Served prepare(DirectoryModelStore work, boolean int8) {
        BenchImages written = images == null ? BenchImages.random(64, 7) : BenchImages.labelled(images);
        if (model == null) {
            AccuracyGate gate = BenchVersions.publish(work, int8);
            work.promote("bench", 1);
            return new Served("bench", 1, null, gate, written);
        }
        ModelRef ref = ModelRef.parsePinned(model);
        DirectoryModelStore source = new DirectoryModelStore(store.path());
        int version = ref.version().getAsInt();
        source.verify(ref.name(), version);
        BundleManifest manifest = source.manifest(ref.name(), version);
        refuseUnfit(manifest, int8);
        try (StagedBundle staged = work.stage(ref.name())) {
            for (String file : manifest.modelFiles()) {
                Files.copy(
                        source.versionDir(ref.name(), version).resolve(file),
                        staged.dir().resolve(file));
            }
            manifest = manifest.withVersion(staged.version());
            staged.commit(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + model + " into the bench's store: " + e.getMessage(), e);
        }
        work.promote(ref.name(), manifest.version());
        return new Served(ref.name(), manifest.version(), manifest, null, written);
    }

    /** Every row feeds 32x32 NCHW images to model.onnx (and model.int8.onnx): refused before anything runs. */
    private void refuseUnfit(BundleManifest manifest, boolean int8) {
        PlainSession.fitting(manifest.preprocessing(), model);
        boolean exported = manifest.model(ModelFormat.ONNX)
                .filter(f -> f.files().equals(List.of(ModelFormat.ONNX_FILE)) && ModelFormat.NCHW.equals(f.input()))
                .isPresent();
        if (!exported) {
            throw new IllegalArgumentException(model + " has no " + ModelFormat.ONNX_FILE + " taking NCHW images, as"
                    + " the plain loop feeds them (a version trained by Fovea has one)");
        }
        if (int8 && manifest.model(ModelFormat.ONNX_INT8).isEmpty()) {
            throw new IllegalArgumentException(model + " has no " + ModelFormat.ONNX_INT8_FILE + ": make one with"
                    + " bin/fovea models quantize " + model + ", or drop int8 from --precision");
        }
    }
}
