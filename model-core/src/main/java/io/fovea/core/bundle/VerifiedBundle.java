package io.fovea.core.bundle;

import io.fovea.core.preprocess.ImagePreprocessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A version as a backend opens it: its manifest and the bytes of the model files it reads, read
 * once into memory and checked there. The manifest's SHA-256 is taken over those very bytes (and
 * the other model files, in the manifest's order), so what is loaded is what was checked, whatever
 * happens to the files afterwards. It knows no framework: a backend builds its model from the bytes.
 *
 * @param source where it was read from, for messages
 * @param files  the bytes of the model files read, by name; shared, not copied: read them only
 */
public record VerifiedBundle(BundleManifest manifest, Map<String, byte[]> files, String source) {

    public VerifiedBundle {
        files = Map.copyOf(files);
    }

    /** The bundle in {@code dir} (its manifest, checked for what serving needs), holding the bytes of {@code read}. */
    public static VerifiedBundle read(Path dir, Collection<String> read) {
        Path manifestFile = dir.resolve(BundleManifest.FILE_NAME);
        if (!Files.isRegularFile(manifestFile)) {
            throw new BundleIntegrityException(dir + ": no " + BundleManifest.FILE_NAME);
        }
        return read(dir, Json.read(manifestFile, BundleManifest.class), read);
    }

    /** The bundle {@code manifest} describes in {@code dir}, holding the bytes of {@code read}. */
    public static VerifiedBundle read(Path dir, BundleManifest manifest, Collection<String> read) {
        return read(dir, manifest, read, Runtime.getRuntime().maxMemory());
    }

    /**
     * The same, for a JVM whose heap holds {@code maxHeap} bytes. The files are read whole into the
     * heap and checked over exactly the bytes read. What is read may take at most half of the heap
     * ({@link #mostToRead}): a version loads while another serves and the pipeline holds its images,
     * so more is refused before reading, naming the heap it needs, rather than failing for memory
     * on whichever thread allocates next. When what is read is large (over an eighth of the heap)
     * the files are checked on disk first, so that one replaced by something larger is refused
     * before it fills the heap.
     */
    static VerifiedBundle read(Path dir, BundleManifest manifest, Collection<String> read, long maxHeap) {
        checkServable(dir, manifest);
        long toRead = 0;
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String name : read) {
            if (!manifest.modelFiles().contains(name)) {
                throw new BundleIntegrityException(dir + ": " + name + " is not among the manifest's model files");
            }
            long size = size(dir.resolve(name));
            if (size > MAX_ARRAY) {
                throw new BundleIntegrityException(dir + ": " + name + " holds " + size + " bytes, more than a"
                        + " Java array holds (" + MAX_ARRAY + "): it was replaced");
            }
            sizes.put(name, size);
            toRead += size;
        }
        Optional<String> tooLarge = tooLargeForHeap(toRead, maxHeap);
        if (tooLarge.isPresent()) {
            throw new BundleIntegrityException(
                    dir + ": " + String.join(" + ", read) + " " + tooLarge.get() + ", or a file was replaced");
        }
        if (toRead > maxHeap / 8) {
            mustMatch(
                    dir,
                    manifest,
                    ModelFiles.sha256(dir, manifest.modelFiles()),
                    " (checked on disk, before reading it into the heap)");
        }
        MessageDigest digest = Sha256.newDigest();
        Map<String, byte[]> kept = new LinkedHashMap<>();
        for (String name : manifest.modelFiles()) {
            Path file = dir.resolve(name);
            if (read.contains(name)) {
                byte[] bytes = readExactly(file, sizes.get(name));
                digest.update(bytes);
                kept.put(name, bytes);
            } else {
                Sha256.update(digest, file);
            }
        }
        mustMatch(dir, manifest, Sha256.hex(digest), "");
        return new VerifiedBundle(manifest, kept, dir.toString());
    }

    /**
     * Why {@code bytes} of model files may not be read into this JVM's heap, if they may not: for
     * whoever reads a model before it is a bundle (an import), so it is refused with the same bound
     * and words before a byte is read.
     */
    public static Optional<String> tooLargeForHeap(long bytes) {
        return tooLargeForHeap(bytes, Runtime.getRuntime().maxMemory());
    }

    private static Optional<String> tooLargeForHeap(long bytes, long maxHeap) {
        if (bytes <= mostToRead(maxHeap)) {
            return Optional.empty();
        }
        return Optional.of("hold " + bytes + " bytes, more than half of this JVM's heap (" + maxHeap
                + " bytes), which is what a version may take while it loads beside the one serving: give it"
                + " a heap of at least " + heapFor(bytes) + " (-Xmx)");
    }

    /** The most a version's files read into a heap of {@code maxHeap} bytes may hold together. */
    static long mostToRead(long maxHeap) {
        return maxHeap / 2;
    }

    /** The smallest heap that reads {@code bytes}, in whole MiB as -Xmx takes it. */
    private static String heapFor(long bytes) {
        long mib = (2 * bytes + (1 << 20) - 1) >> 20;
        return mib + " MiB";
    }

    /** The largest array a JVM allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private static void mustMatch(Path dir, BundleManifest manifest, String actual, String how) {
        if (!actual.equals(manifest.sha256())) {
            throw new BundleIntegrityException(dir + ": SHA-256 of " + String.join(" + ", manifest.modelFiles())
                    + " is " + actual + " but the manifest says " + manifest.sha256()
                    + "; a file is corrupt or was replaced" + how);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The manifest has what serving needs, and names files that are there. */
    private static void checkServable(Path dir, BundleManifest manifest) {
        Path manifestFile = dir.resolve(BundleManifest.FILE_NAME);
        if (manifest.modelFiles() == null || manifest.modelFiles().isEmpty()) {
            throw new BundleIntegrityException(manifestFile + ": names no model files (written by an older Fovea? "
                    + "bundles now hold " + String.join(" and ", ModelFiles.NAMES) + "; train it again)");
        }
        if (!manifest.missingFields().isEmpty()) {
            throw new BundleIntegrityException(manifestFile + ": lacks " + String.join(", ", manifest.missingFields()));
        }
        for (String name : manifest.modelFiles()) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                throw new BundleIntegrityException(dir.resolve(name) + ": model file missing");
            }
        }
        for (ModelFormat model : manifest.formats()) {
            List<String> outside = model.files().stream()
                    .filter(f -> !manifest.modelFiles().contains(f))
                    .toList();
            if (!outside.isEmpty()) {
                throw new BundleIntegrityException(manifestFile + ": its " + model.format() + " model's "
                        + String.join(", ", outside) + " not among its model files");
            }
        }
    }

    /**
     * The bytes of {@code file}, which held {@code size} when it was measured against the heap: one
     * that has grown or shrunk since is refused, and never read past that size, so a file replaced
     * by a larger one between the check and the read cannot fill the heap.
     */
    public static byte[] readExactly(Path file, long size) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(Math.toIntExact(size));
            boolean shrank = bytes.length < size;
            if (shrank || in.read() != -1) {
                throw new BundleIntegrityException(file + " changed while it was read: it held " + size
                        + " bytes when measured, and " + (shrank ? "fewer" : "more") + " when read");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The bytes of {@code name}, one of the files this bundle was read with. */
    public byte[] file(String name) {
        byte[] bytes = files.get(name);
        if (bytes == null) {
            throw new IllegalStateException(source + ": " + name + " was not read; read: " + files.keySet());
        }
        return bytes;
    }

    /** The version's own preprocessing: it belongs to the model. */
    public ImagePreprocessor preprocessor() {
        return new ImagePreprocessor(manifest.preprocessing());
    }
}
