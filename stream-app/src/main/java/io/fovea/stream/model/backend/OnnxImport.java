package io.fovea.stream.model.backend;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.bundle.VerifiedBundle;
import io.fovea.core.onnx.OnnxExternalData;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.store.ModelStore;
import io.fovea.core.store.StagedBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes a new version of a model from an ONNX file written elsewhere (PyTorch, Keras, ...): the
 * file and a manifest saying how to feed it. The version becomes visible only after ONNX Runtime
 * has loaded it, its signature matched the declaration and a probe batch gave one finite
 * probability per label; from then on it is promoted, rolled back and hot-swapped like any other.
 */
public final class OnnxImport {
    private OnnxImport() {}

    /** @return the new version */
    public static int importModel(
            ModelStore store,
            String name,
            Path onnxFile,
            List<String> labels,
            Preprocessing preprocessing,
            ModelFormat spec,
            OnnxSessions sessions,
            String codeVersion) {
        if (!Files.isRegularFile(onnxFile)) {
            throw new IllegalArgumentException("no ONNX file at " + onnxFile);
        }
        if (labels.size() < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 labels, got " + labels);
        }
        try (StagedBundle staged = store.stage(name)) {
            copyChecked(onnxFile, staged.dir().resolve(ModelFormat.ONNX_FILE));
            List<String> files = List.of(ModelFormat.ONNX_FILE);
            BundleManifest manifest = new BundleManifest(
                    name,
                    staged.version(),
                    Instant.now(),
                    "onnx",
                    "imported:" + onnxFile.getFileName(),
                    List.copyOf(labels),
                    preprocessing,
                    files,
                    ModelFiles.sha256(staged.dir(), files),
                    Map.of(),
                    Map.of("source", onnxFile.toAbsolutePath().toString()),
                    Map.of(),
                    codeVersion,
                    List.of(ModelFormat.onnx(ModelFormat.ONNX_FILE, spec.input(), spec.output())));
            OnnxModelRunner.checked(VerifiedBundle.read(staged.dir(), manifest, files), sessions)
                    .close();
            staged.commit(manifest);
            return staged.version();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot import " + onnxFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies the file into the staged version once its size fits the heap and it keeps every tensor
     * inside. The bytes checked are the bytes copied, so a file changed meanwhile cannot slip in (nor
     * grow past the size checked); they are dropped on return, so the version is then read and
     * loaded with only its staged copy held.
     */
    private static void copyChecked(Path onnxFile, Path staged) throws IOException {
        long size = Files.size(onnxFile);
        Optional<String> tooLarge = VerifiedBundle.tooLargeForHeap(size);
        if (tooLarge.isPresent()) {
            throw new IllegalArgumentException(onnxFile + " would " + tooLarge.get()
                    + ", for bin/fovea in FOVEA_JAVA_OPTS. Nothing was read and no version was made");
        }
        byte[] model = VerifiedBundle.readExactly(onnxFile, size);
        List<String> external = OnnxExternalData.tensors(model);
        if (!external.isEmpty()) {
            throw new IllegalArgumentException(onnxFile + " keeps tensor data outside the file, which a bundle"
                    + " cannot vouch for: " + String.join(", ", external) + ". Save it with every tensor inside"
                    + " (Python: onnx.save_model(model, path, save_as_external_data=False); up to 2 GB)");
        }
        Files.write(staged, model, StandardOpenOption.CREATE_NEW);
    }
}
