package io.fovea.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.ModelFiles;
import io.fovea.core.runtime.NativeBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromotionsTest {
    @TempDir
    Path root;

    DirectoryModelStore store;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @BeforeEach
    void threeVersions() throws IOException {
        store = new DirectoryModelStore(root);
        for (int i = 0; i < 3; i++) {
            try (StagedBundle staged = store.stage("m")) {
                String sha256 = ModelFiles.write(TinyModels.tiny(i), staged.dir());
                staged.commit(DirectoryModelStoreTest.manifest("m", staged.version(), sha256));
            }
        }
    }

    @Test
    void promotionsStackAndRollbacksUnwindThem() {
        assertEquals(Optional.empty(), store.promoted("m"));
        assertEquals(new Promotions.Change("PROMOTED", 1, null), store.promote("m", 1));
        assertEquals(new Promotions.Change("PROMOTED", 3, 1), store.promote("m", 3));
        assertEquals(new Promotions.Change("PROMOTED", 2, 3), store.promote("m", 2));
        assertEquals(new Promotions.Change("ROLLED_BACK", 3, 2), store.rollback("m"));
        assertEquals(new Promotions.Change("ROLLED_BACK", 1, 3), store.rollback("m"));
        assertEquals(Optional.of(1), store.promoted("m"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.rollback("m"));
        assertEquals("nothing to roll back to: only version 1 was promoted", e.getMessage());
        assertEquals(5, store.promotions("m").entries().size());
    }

    @Test
    void aVersionThatDoesNotLoadCannotBePromoted() throws IOException {
        Path file = store.versionDir("m", 2).resolve(ModelFiles.PARAMETERS);
        Files.write(file, new byte[] {1, 2, 3});
        assertThrows(RuntimeException.class, () -> store.promote("m", 2));
        assertThrows(IllegalArgumentException.class, () -> store.promote("m", 9));
        assertEquals(Optional.empty(), store.promoted("m"));
    }

    @Test
    void concurrentPromotersNeverLoseAnEntry() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 20; i++) {
            int version = 1 + i % 3;
            pool.submit(() -> new DirectoryModelStore(root).promote("m", version));
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        assertEquals(20, store.promotions("m").entries().size());
    }
}
