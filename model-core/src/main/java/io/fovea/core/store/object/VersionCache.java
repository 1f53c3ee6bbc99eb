package io.fovea.core.store.object;

import io.fovea.core.bundle.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions this process loaded from the object store, on local disk and named by the SHA-256
 * of their index: a restart or a rollback to one of them reads no object. Bounded: past
 * {@code maxBytes} the least recently used go, never one the caller {@link #keep keeps} (the
 * served and candidate versions). What is read back is checked again by its SHA-256, so a cache
 * that was tampered with costs a download, not a wrong model.
 */
final class VersionCache {
    private static final Logger LOG = LoggerFactory.getLogger(VersionCache.class);

    private final Path indexes;
    private final Path bundles;
    private final Path downloads;
    private final long maxBytes;
    private final Set<String> kept = new HashSet<>();

    VersionCache(Path dir, long maxBytes) {
        this.indexes = dir.resolve("indexes");
        this.bundles = dir.resolve("bundles");
        this.downloads = dir.resolve("downloads");
        this.maxBytes = maxBytes;
    }

    /** The cache's bound: no version larger than this can be kept. */
    long maxBytes() {
        return maxBytes;
    }

    /** Made on first write: a publisher that never loads needs no cache folder. */
    private void createFolders() {
        try {
            Files.createDirectories(indexes);
            Files.createDirectories(bundles);
            Files.createDirectories(downloads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the store cache in " + indexes.getParent(), e);
        }
    }

    /** The index object with this SHA-256, if cached and intact. */
    Optional<byte[]> index(String sha256) {
        Path file = indexes.resolve(sha256 + ".json");
        try {
            if (Files.isRegularFile(file)) {
                byte[] bytes = Files.readAllBytes(file);
                if (Sha256.of(bytes).equals(sha256)) {
                    return Optional.of(bytes);
                }
                Files.delete(file);
            }
        } catch (IOException e) {
            LOG.warn("Store cache: cannot read {}: {}", file, e.getMessage());
        }
        return Optional.empty();
    }

    void putIndex(String sha256, byte[] bytes) {
        try {
            createFolders();
            Path temp = Files.write(downloads.resolve(UUID.randomUUID() + ".json"), bytes);
            Files.move(
                    temp,
                    indexes.resolve(sha256 + ".json"),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Store cache: cannot keep index {}: {}", sha256, e.getMessage());
        }
    }

    /** The folder of a cached version, if there is one; marks it used. */
    synchronized Optional<Path> bundle(String sha256) {
        Path dir = bundles.resolve(sha256);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        touch(dir);
        return Optional.of(dir);
    }

    /** An empty folder to download a version into, then {@link #admit} or {@link #drop}. */
    Path newDownload() {
        createFolders();
        try {
            return Files.createDirectory(downloads.resolve(UUID.randomUUID().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the store cache " + downloads, e);
        }
    }

    /** Makes a checked download the cached copy of {@code sha256}, then trims the cache to size. */
    synchronized void admit(Path download, String sha256) {
        Path dir = bundles.resolve(sha256);
        try {
            if (Files.isDirectory(dir)) {
                delete(download);
            } else {
                Files.move(download, dir, StandardCopyOption.ATOMIC_MOVE);
            }
            touch(dir);
        } catch (IOException e) {
            LOG.warn("Store cache: cannot keep {}: {}", sha256, e.getMessage());
            delete(download);
            return;
        }
        trim(sha256);
    }

    synchronized void drop(String sha256) {
        delete(bundles.resolve(sha256));
    }

    /** The versions (by index SHA-256) in service: never evicted. */
    synchronized void keep(Set<String> sha256s) {
        kept.clear();
        kept.addAll(sha256s);
    }

    private void trim(String justAdmitted) {
        try (Stream<Path> list = Files.list(bundles)) {
            List<Path> oldestFirst = list.filter(Files::isDirectory)
                    .sorted(Comparator.comparing(VersionCache::lastUsed))
                    .toList();
            long total = oldestFirst.stream().mapToLong(VersionCache::size).sum();
            for (Path dir : oldestFirst) {
                if (total <= maxBytes) {
                    break;
                }
                String sha = dir.getFileName().toString();
                if (kept.contains(sha) || sha.equals(justAdmitted)) {
                    continue;
                }
                total -= size(dir);
                delete(dir);
                LOG.info("Store cache: evicted {} to stay within {} bytes", sha, maxBytes);
            }
        } catch (IOException e) {
            LOG.warn("Store cache: cannot trim {}: {}", bundles, e.getMessage());
        }
    }

    private static FileTime lastUsed(Path dir) {
        try {
            return Files.getLastModifiedTime(dir);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void touch(Path dir) {
        try {
            Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
        } catch (IOException ignored) {
            // only the eviction order suffers
        }
    }

    static long size(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        } catch (IOException e) {
            return 0;
        }
    }

    static void delete(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Store cache: cannot remove {}: {}", path, e.getMessage());
        }
    }
}
