package io.fovea.core.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manifest can only name files in its own bundle folder. */
class PlainFileNameTest {
    @TempDir
    Path dir;

    @Test
    void pathsParentsAbsoluteHiddenAndEmptyNamesAreRefused() {
        for (String name : new String[] {
            "../params.npy", "a/b.onnx", "a\\b.onnx", "/etc/passwd", "C:\\x.onnx", "..", ".", ".hidden", "", " "
        }) {
            assertThrows(IllegalArgumentException.class, () -> PlainFileName.check(name), name);
        }
        assertEquals("model.onnx", PlainFileName.check("model.onnx"));
        assertEquals("params.npy", PlainFileName.check("params.npy"));
    }

    @Test
    void anOnnxModelNamedOutsideItsBundleIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ModelFormat.onnx("../../model.onnx", "NCHW", "logits"));
    }

    @Test
    void aManifestNamingAFileOutsideItsBundleIsRefusedWhenRead() throws Exception {
        Path file = dir.resolve(BundleManifest.FILE_NAME);
        Files.writeString(file, """
                {"name": "m", "version": 1, "modelFiles": ["graph.json", "../../other/params.npy"], "sha256": "00"}
                """);
        UncheckedIOException refused =
                assertThrows(UncheckedIOException.class, () -> Json.read(file, BundleManifest.class));
        assertTrue(refused.getMessage().contains("plain name"), refused.getMessage());
    }
}
