package io.fovea.core.store;

import io.fovea.core.bundle.BundleManifest;
import io.fovea.core.bundle.Json;
import io.fovea.core.bundle.VerifiedBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A store in a directory: {@code <root>/<model>/<version>/} holds a bundle.
 *
 * <p>Publishing is atomic and safe between processes and machines sharing the directory: a
 * version number is reserved by creating {@code <model>/.reserved/<version>} exclusively (the
 * one file-system operation that is atomic on local disks and NFS alike), the bundle is written
 * to a staging folder beside the versions, and one rename makes it visible. Readers list only
 * numbered folders, so they never see a half-written bundle. A version whose publication failed
 * leaves only its reservation: the number is skipped, never reused.
 */
public final class DirectoryModelStore implements ModelStore {
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern VERSION_DIR = Pattern.compile("[1-9][0-9]{0,8}");
    private static final String RESERVED = ".reserved";

    private final Path root;

    public DirectoryModelStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public String describe() {
        return root.toString();
    }

    public static void checkModelName(String model) {
        if (model == null || !MODEL_NAME.matcher(model).matches()) {
            throw new IllegalArgumentException("model name '" + model
                    + "' must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    public Path versionDir(String model, int version) {
        checkModelName(model);
        return root.resolve(model).resolve(Integer.toString(version));
    }

    @Override
    public List<String> models() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(root)) {
            return list.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> MODEL_NAME.matcher(name).matches())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    @Override
    public List<Integer> versions(String model) {
        checkModelName(model);
        Path dir = root.resolve(model);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString())
                    .filter(name -> VERSION_DIR.matcher(name).matches())
                    .filter(name -> Files.isRegularFile(dir.resolve(name).resolve(BundleManifest.FILE_NAME)))
                    .map(Integer::valueOf)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    @Override
    public BundleManifest manifest(String model, int version) {
        Path file = versionDir(model, version).resolve(BundleManifest.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no version " + version + " of model '" + model + "' in " + root);
        }
        return Json.read(file, BundleManifest.class);
    }

    @Override
    public VerifiedBundle verified(String model, int version, Collection<String> files) {
        manifest(model, version); // a clear error for a missing version
        return VerifiedBundle.read(versionDir(model, version), files);
    }

    @Override
    public URI uri(String model, int version) {
        return versionDir(model, version).toUri();
    }

    @Override
    public Optional<Integer> promoted(String model) {
        return promotions(model).current();
    }

    @Override
    public Promotions.History promotions(String model) {
        checkModelName(model);
        return Promotions.read(root.resolve(model));
    }

    /** Checks the version (manifest, checksum) before anything serves it. */
    @Override
    public Promotions.Change promote(String model, int version, Announcer announcer) {
        verify(model, version);
        return Promotions.promote(root.resolve(model), version, change -> announce(announcer, model, change));
    }

    @Override
    public Promotions.Change rollback(String model, Announcer announcer) {
        checkModelName(model);
        if (!Files.isDirectory(root.resolve(model))) {
            throw new IllegalArgumentException("no model '" + model + "' in " + root);
        }
        return Promotions.rollback(root.resolve(model), change -> announce(announcer, model, change));
    }

    private void announce(Announcer announcer, String model, Promotions.Change change) {
        var record = announcer.record(this, model, change);
        if (record != null) {
            announcer.send(record);
        }
    }

    @Override
    public StagedBundle amend(String model, int version) {
        manifest(model, version); // a clear error for a missing version
        return new AmendedBundle(versionDir(model, version));
    }

    @Override
    public StagedBundle stage(String model) {
        checkModelName(model);
        Path modelDir = root.resolve(model);
        try {
            Files.createDirectories(modelDir.resolve(RESERVED));
            int version = reserveNextVersion(modelDir);
            Path staging = Files.createDirectory(modelDir.resolve(".staging-" + version + "-" + UUID.randomUUID()));
            return new Staged(modelDir, version, staging);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage a new version of '" + model + "' in " + root, e);
        }
    }

    private static int reserveNextVersion(Path modelDir) throws IOException {
        int candidate = highestTaken(modelDir) + 1;
        while (true) {
            try {
                Files.createFile(modelDir.resolve(RESERVED).resolve(Integer.toString(candidate)));
                return candidate;
            } catch (FileAlreadyExistsException taken) {
                candidate++; // another publisher got there first
            }
        }
    }

    private static int highestTaken(Path modelDir) throws IOException {
        try (Stream<Path> reserved = Files.list(modelDir.resolve(RESERVED));
                Stream<Path> published = Files.list(modelDir)) {
            return Stream.concat(reserved, published)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> VERSION_DIR.matcher(name).matches())
                    .mapToInt(Integer::parseInt)
                    .max()
                    .orElse(0);
        }
    }

    private static final class Staged implements StagedBundle {
        private final Path modelDir;
        private final int version;
        private final Path dir;
        private boolean committed;

        Staged(Path modelDir, int version, Path dir) {
            this.modelDir = modelDir;
            this.version = version;
            this.dir = dir;
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
                throw new IllegalArgumentException(
                        "manifest says version " + manifest.version() + ", staged " + version);
            }
            Json.write(dir.resolve(BundleManifest.FILE_NAME), manifest);
            try {
                Files.move(dir, modelDir.resolve(Integer.toString(version)), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot publish version " + version + " in " + modelDir, e);
            }
            committed = true;
        }

        @Override
        public void close() {
            if (!committed) {
                deleteRecursively(dir);
            }
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
