package io.fovea.cli.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download path against a local HTTP server that serves an archive the test makes. */
class CifarDownloadTest {
    @TempDir
    Path dir;

    private static byte[] archive(byte[] testBatch) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            TarArchiveEntry entry = new TarArchiveEntry("cifar-10-batches-bin/test_batch.bin");
            entry.setSize(testBatch.length);
            tar.putArchiveEntry(entry);
            tar.write(testBatch);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static URI serve(HttpServer server, byte[] body) {
        server.createContext("/cifar.tar.gz", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cifar.tar.gz");
    }

    @Test
    void downloadsChecksAndUnpacks() throws Exception {
        byte[] batch = new byte[3073 * 2];
        batch[3073] = 7;
        byte[] archive = archive(batch);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        try {
            URI uri = serve(server, archive);
            String md5 =
                    HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(archive));
            Path folder = new CifarDownload(uri, md5).into(dir);
            assertArrayEquals(batch, Files.readAllBytes(folder.resolve("test_batch.bin")));
            assertFalse(
                    Files.exists(dir.resolve("cifar-10-binary.tar.gz.part")), "the archive is removed after unpacking");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aWrongChecksumKeepsNothingAndSaysHowToProvideTheData() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        try {
            URI uri = serve(server, archive(new byte[3073]));
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> new CifarDownload(uri, "00000000000000000000000000000000").into(dir));
            assertTrue(e.getMessage().contains("expected 00000000000000000000000000000000"), e.getMessage());
            assertTrue(e.getMessage().contains("tar -xzf cifar-10-binary.tar.gz"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("cifar-10-batches-bin")));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void noNetworkSaysExactlyHowToProvideTheData() {
        // nothing listens on port 9 of the loopback: a refused connection, as on a machine offline
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> new CifarDownload(URI.create("http://127.0.0.1:9/cifar.tar.gz"), CifarDownload.MD5).into(dir));
        assertTrue(e.getMessage().startsWith("cannot download CIFAR-10 from http://127.0.0.1:9/"), e.getMessage());
        assertTrue(
                e.getMessage().contains(CifarDownload.URL) && e.getMessage().contains(CifarDownload.MD5),
                e.getMessage());
    }
}
