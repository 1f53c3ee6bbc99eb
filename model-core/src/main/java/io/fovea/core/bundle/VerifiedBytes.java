package io.fovea.core.bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * One model file read once into memory and checked there: the manifest's SHA-256 is taken over
 * those bytes (and the other model files, in the manifest's order), so what is loaded is what was
 * checked, whatever happens to the file afterwards.
 */
public final class VerifiedBytes {
    private VerifiedBytes() {}

    /** The bytes of {@code file}, one of {@code manifest}'s model files in {@code dir}. */
    public static byte[] read(Path dir, BundleManifest manifest, String file) {
        if (!manifest.modelFiles().contains(file)) {
            throw new BundleIntegrityException(dir + ": " + file + " is not among the manifest's model files");
        }
        MessageDigest digest = Sha256.newDigest();
        byte[] bytes = null;
        for (String name : manifest.modelFiles()) {
            if (name.equals(file)) {
                try {
                    bytes = Files.readAllBytes(dir.resolve(name));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + dir.resolve(name), e);
                }
                digest.update(bytes);
            } else {
                Sha256.update(digest, dir.resolve(name));
            }
        }
        String actual = Sha256.hex(digest);
        if (!actual.equals(manifest.sha256())) {
            throw new BundleIntegrityException(dir + ": SHA-256 of " + String.join(" + ", manifest.modelFiles())
                    + " as read is " + actual + " but the manifest says " + manifest.sha256()
                    + "; a file is corrupt or was replaced");
        }
        return bytes;
    }
}
