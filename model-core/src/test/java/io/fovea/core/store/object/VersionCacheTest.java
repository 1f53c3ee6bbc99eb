package io.fovea.core.store.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.bundle.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionCacheTest {
    @TempDir
    Path dir;

    private Path download(VersionCache cache, int bytes) throws Exception {
        Path d = cache.newDownload();
        Files.write(d.resolve("params.npy"), new byte[bytes]);
        return d;
    }

    @Test
    void pastItsBoundTheLeastRecentlyUsedGoFirstButNeverAVersionInService() throws Exception {
        VersionCache cache = new VersionCache(dir, 2_500);
        cache.admit(download(cache, 1_000), "served");
        cache.keep(Set.of("served"));
        Files.setLastModifiedTime(dir.resolve("bundles/served"), FileTime.fromMillis(1)); // the oldest
        cache.admit(download(cache, 1_000), "older");
        Files.setLastModifiedTime(dir.resolve("bundles/older"), FileTime.fromMillis(2));
        cache.admit(download(cache, 1_000), "newest");

        assertTrue(cache.bundle("served").isPresent(), "kept, though least recently used");
        assertFalse(cache.bundle("older").isPresent(), "evicted");
        assertTrue(cache.bundle("newest").isPresent(), "just admitted");
    }

    @Test
    void anIndexThatNoLongerMatchesItsNameIsNotServedFromTheCache() throws Exception {
        VersionCache cache = new VersionCache(dir, 1 << 20);
        byte[] index = "{\"manifest\":{}}".getBytes(StandardCharsets.UTF_8);
        String sha = Sha256.of(index);
        cache.putIndex(sha, index);
        assertEquals(
                new String(index, StandardCharsets.UTF_8),
                new String(cache.index(sha).orElseThrow(), StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("indexes").resolve(sha + ".json"), "{\"manifest\":{\"name\":\"x\"}}");
        assertTrue(cache.index(sha).isEmpty(), "tampered: read from the store again");
    }
}
