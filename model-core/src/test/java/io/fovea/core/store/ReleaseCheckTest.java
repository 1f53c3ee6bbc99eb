package io.fovea.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.ModelRelease;
import io.fovea.avro.ReleaseAction;
import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.release.ReleaseCheck;
import io.fovea.core.release.ReleasePublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A release is checked against the store; a store that cannot answer refuses it, never throws into the follower. */
class ReleaseCheckTest {
    @TempDir
    Path root;

    private ModelRelease promotedRelease(DirectoryModelStore store) throws IOException {
        try (StagedBundle staged = store.stage("m")) {
            staged.commit(DirectoryModelStoreTest.manifest(
                    "m", staged.version(), ModelFiles.write(TinyModels.tiny(1), staged.dir())));
        }
        store.promote("m", 1);
        return ReleasePublisher.of(store.manifest("m", 1), store.uri("m", 1), ReleaseAction.PROMOTED, null);
    }

    @Test
    void aPromotionTheStoreHoldsIsHonoured() throws IOException {
        DirectoryModelStore store = new DirectoryModelStore(root);
        assertEquals(Optional.empty(), new ReleaseCheck(store).refusal(promotedRelease(store)));
    }

    @Test
    void aPromotionHistoryTheStoreCannotReadRefusesTheReleaseAndCountsIt() throws IOException {
        DirectoryModelStore store = new DirectoryModelStore(root);
        ModelRelease release = promotedRelease(store);
        Files.writeString(root.resolve("m").resolve(Promotions.FILE), "{ not json");
        AtomicInteger ignored = new AtomicInteger();

        Optional<String> refusal = new ReleaseCheck(store, ignored::incrementAndGet).refusal(release);

        assertTrue(refusal.orElseThrow().contains("promotion history could not be read"), refusal.get());
        assertEquals(1, ignored.get());
    }
}
