package io.fovea.cli.demo;

import io.fovea.core.console.Progress;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import me.tongfei.progressbar.ProgressBar;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Fetches the official CIFAR-10 binary archive, checks its MD5 against the one the dataset's
 * page publishes, and unpacks it ({@code cifar-10-batches-bin/}). Offline it says exactly how to
 * provide the data instead.
 */
final class CifarDownload {
    static final String URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    static final String MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
    static final String FOLDER = "cifar-10-batches-bin";

    private final URI source;
    private final String md5;

    CifarDownload(URI source, String md5) {
        this.source = source;
        this.md5 = md5;
    }

    static CifarDownload official() {
        return new CifarDownload(URI.create(URL), MD5);
    }

    /** Downloads and unpacks into {@code parent}; returns {@code parent/cifar-10-batches-bin}. */
    Path into(Path parent) {
        Path archive = parent.resolve("cifar-10-binary.tar.gz.part");
        try {
            Files.createDirectories(parent);
            download(archive);
            String actual = md5Of(archive);
            if (!actual.equals(md5)) {
                Files.deleteIfExists(archive);
                throw new IllegalStateException("the download from " + source + " has MD5 " + actual + ", expected "
                        + md5 + "; it was not kept. Try again, or provide the data as below.\n" + howToProvide(parent));
            }
            Path target = parent.resolve(FOLDER);
            unpack(archive, parent);
            Files.deleteIfExists(archive);
            return target;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot download CIFAR-10 from " + source + " (" + e + ").\n" + howToProvide(parent), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while downloading CIFAR-10", e);
        }
    }

    static String howToProvide(Path parent) {
        return "To run offline: on a machine with internet, fetch " + URL + " (MD5 " + MD5 + "), copy it here and run\n"
                + "  mkdir -p " + parent + " && tar -xzf cifar-10-binary.tar.gz -C " + parent + "\n"
                + "or pass --data DIR / set " + CifarLocator.ENV
                + "=DIR to a folder holding test_batch.bin and data_batch_*.bin.";
    }

    private void download(Path archive) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HttpResponse<InputStream> response =
                client.send(HttpRequest.newBuilder(source).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        long length = response.headers().firstValueAsLong("content-length").orElse(-1);
        try (InputStream in = response.body();
                OutputStream out = Files.newOutputStream(archive);
                ProgressBar bar = Progress.bar("CIFAR-10", Math.max(length, 1) >> 10, "KiB")) {
            byte[] buffer = new byte[1 << 16];
            long done = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                done += n;
                bar.stepTo(done >> 10);
            }
        }
    }

    private static String md5Of(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("MD5"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void unpack(Path archive, Path parent) throws IOException {
        Path root = parent.toAbsolutePath().normalize();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(archive))))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("archive entry outside the target folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
