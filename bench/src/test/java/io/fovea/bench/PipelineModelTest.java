package io.fovea.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.ModelFormat;
import io.fovea.core.preprocess.Preprocessing;
import io.fovea.core.store.DirectoryModelStore;
import io.fovea.testing.TinyBundles;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** bench pipeline --model: every row runs the stored version as it is, or nothing runs. */
class PipelineModelTest {
    @TempDir
    Path dir;

    @Test
    void aStoredVersionIsCopiedWholeAndPromotedInTheBenchsOwnStore() {
        DirectoryModelStore source = new DirectoryModelStore(dir.resolve("source"));
        BenchVersions.publish(source);
        BenchVersions.publish(source);
        DirectoryModelStore work = new DirectoryModelStore(dir.resolve("work"));

        PipelineModel.Served served = options("--model", "bench@2").prepare(work, false);

        assertEquals("bench", served.name());
        assertEquals(1, served.version(), "the bench's store numbers its own versions");
        assertEquals(Optional.of(1), work.promoted("bench"));
        work.verify("bench", 1); // every model file, under the version's checksum
        assertEquals(
                source.manifest("bench", 2).sha256(), work.manifest("bench", 1).sha256());
        assertNull(served.gate());
        assertFalse(served.images().isLabelled(), "random images without --images");
        assertTrue(served.describe().startsWith("bench@1"), served.describe());
    }

    @Test
    void int8IsRefusedForAVersionWithoutAnInt8Model() {
        DirectoryModelStore source = new DirectoryModelStore(dir.resolve("source"));
        BenchVersions.publish(source);

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> options("--model", "bench@1").prepare(new DirectoryModelStore(dir.resolve("work")), true));

        assertTrue(e.getMessage().contains("models quantize bench@1"), e.getMessage());
    }

    @Test
    void aVersionForOtherImageSizesIsRefusedBeforeAnythingRuns() {
        DirectoryModelStore source = new DirectoryModelStore(dir.resolve("source"));
        BenchVersions.publish(source, 48);

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> options("--model", "bench@1").prepare(new DirectoryModelStore(dir.resolve("work")), false));

        assertTrue(e.getMessage().contains("takes 48x48 images"), e.getMessage());
    }

    @Test
    void thePlainLoopNormalisesAsTheVersionWasTrained() {
        DirectoryModelStore store = new DirectoryModelStore(dir.resolve("store"));
        BenchVersions.publish(store);
        Path version = store.versionDir("bench", 1);
        assertEquals(
                Preprocessing.vggImagenetMean(32),
                PlainSession.preprocessing(version.resolve(ModelFormat.ONNX_FILE)),
                "the bench's VGG16");

        TinyBundles.publish(store, "tiny", 1);
        assertEquals(
                Preprocessing.fitted(32, new double[] {128, 128, 128}, new double[] {64, 64, 64}),
                PlainSession.preprocessing(store.versionDir("tiny", 1).resolve(ModelFormat.ONNX_FILE)),
                "a version trained from scratch, its mean and std fitted");
    }

    private PipelineModel options(String... args) {
        PipelineModel options = new PipelineModel();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--store";
        all[args.length + 1] = dir.resolve("source").toString();
        new CommandLine(options).parseArgs(all);
        return options;
    }
}
