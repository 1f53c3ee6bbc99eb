package io.fovea.stream.model.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.Json;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.testing.TinyBundles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model is checked before it serves, at start as at every swap. */
class CheckedModelTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void aBundleWhoseOutputsMatchItsLabelsIsAccepted() {
        DirectoryModelStore store = new DirectoryModelStore(dir);
        TinyBundles.publish(store, "ok", 1);
        try (Dl4jModelRunner runner = Dl4jModelRunner.checked(store.verified("ok", 1, ModelFiles.NAMES))) {
            assertEquals(10, runner.labels().size());
        }
    }

    @Test
    void aBundleWithFewerLabelsThanOutputsIsRefusedWithTheReason() {
        DirectoryModelStore store = new DirectoryModelStore(dir);
        TinyBundles.publish(store, "bad", 1);
        Path manifestFile = store.versionDir("bad", 1).resolve(BundleManifest.FILE_NAME);
        BundleManifest m = Json.read(manifestFile, BundleManifest.class);
        Json.write(
                manifestFile,
                new BundleManifest(
                        m.name(),
                        m.version(),
                        m.createdAt(),
                        m.architecture(),
                        m.weights(),
                        List.of("a", "b", "c"),
                        m.preprocessing(),
                        m.modelFiles(),
                        m.sha256(),
                        m.training(),
                        m.data(),
                        m.metrics(),
                        m.codeVersion(),
                        null));
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> Dl4jModelRunner.checked(store.verified("bad", 1, ModelFiles.NAMES)));
        assertTrue(
                e.getMessage().startsWith("bad@1 refused: outputs [4, 10] for 4 images, but the bundle has 3 labels"),
                e.getMessage());
    }
}
