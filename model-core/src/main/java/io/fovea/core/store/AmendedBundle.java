package io.fovea.core.store;

import io.fovea.core.bundle.BundleIntegrityException;
import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.Json;
import io.fovea.core.bundle.VerifiedBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Files added to a version of a {@link DirectoryModelStore}: written to a copy of the version,
 * then each new file moved in and the manifest replaced last, each atomically, so a reader sees
 * the old bundle or the new one. A file the version already has may not change.
 */
final class AmendedBundle implements StagedBundle {
    private final Path versionDir;
    private final int version;
    private final Path dir;

    AmendedBundle(Path versionDir) {
        this.versionDir = versionDir;
        this.version = Integer.parseInt(versionDir.getFileName().toString());
        try {
            VerifiedBundle.read(versionDir, List.of()); // amend only what checks out
            this.dir = Files.createDirectory(
                    versionDir.getParent().resolve(".amend-" + version + "-" + UUID.randomUUID()));
            try (Stream<Path> files = Files.list(versionDir)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, dir.resolve(file.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot amend " + versionDir, e);
        }
    }

    @Override
    public int version() {
        return version;
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public void commit(BundleManifest manifest) {
        if (manifest.version() != version) {
            throw new IllegalArgumentException("manifest says version " + manifest.version() + ", amending " + version);
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                Path existing = versionDir.resolve(name);
                if (name.equals(BundleManifest.FILE_NAME)) {
                    continue;
                }
                if (!Files.exists(existing)) {
                    Files.move(file, existing, StandardCopyOption.ATOMIC_MOVE);
                } else if (Files.mismatch(file, existing) != -1) {
                    throw new BundleIntegrityException(
                            existing + ": a version's files cannot change; add a file instead");
                }
            }
            Path temp = versionDir.resolve(BundleManifest.FILE_NAME + ".tmp");
            Json.write(temp, manifest);
            Files.move(
                    temp,
                    versionDir.resolve(BundleManifest.FILE_NAME),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);

        } catch (IOException e) {
            throw new UncheckedIOException("cannot amend " + versionDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        DirectoryModelStore.deleteRecursively(dir);
    }
}
