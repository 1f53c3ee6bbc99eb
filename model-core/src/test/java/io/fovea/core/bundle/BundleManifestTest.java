package io.fovea.core.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifests say which models they hold in {@code formats}; those written before it still read. */
class BundleManifestTest {
    @TempDir
    Path dir;

    /** A manifest as Fovea wrote it before {@code formats}: an exported bundle, DL4J and ONNX. */
    private static final String WITH_ONNX_FIELD = """
            {
              "name" : "cifar10",
              "version" : 2,
              "createdAt" : "2026-12-01T10:00:00Z",
              "architecture" : "vgg16-bn",
              "weights" : "none",
              "labels" : [ "a", "b" ],
              "preprocessing" : { "inputSize" : 32, "resize" : "bilinear", "normalization" : "fitted", "mean" : [ 1.0, 2.0, 3.0 ], "std" : [ 4.0, 5.0, 6.0 ] },
              "modelFiles" : [ "graph.json", "params.npy", "model.onnx" ],
              "sha256" : "00",
              "training" : { },
              "data" : { },
              "metrics" : { "test_accuracy" : 0.5 },
              "codeVersion" : "0.1.0",
              "onnx" : { "file" : "model.onnx", "layout" : "NCHW", "output" : "probabilities" }
            }
            """;

    @Test
    void aManifestWithTheOnnxFieldHoldsTheDl4jModelAndTheOnnxOne() throws Exception {
        BundleManifest manifest = read(WITH_ONNX_FIELD);
        assertEquals(List.of(ModelFormat.dl4j(), ModelFormat.exportedOnnx()), manifest.formats());
        assertEquals(
                List.of("graph.json", "params.npy"),
                manifest.model("dl4j").orElseThrow().files());
        assertEquals(Optional.of(ModelFormat.exportedOnnx()), manifest.model("onnx"));
    }

    @Test
    void anImportedOnnxModelKeepsItsLayoutAndOutput() throws Exception {
        BundleManifest manifest = read(WITH_ONNX_FIELD
                .replace("\"graph.json\", \"params.npy\", ", "")
                .replace(
                        "\"file\" : \"model.onnx\", \"layout\" : \"NCHW\", \"output\" : \"probabilities\"",
                        "\"file\" : \"model.onnx\", \"layout\" : \"NHWC\", \"output\" : \"logits\""));
        assertEquals(List.of(ModelFormat.onnx("model.onnx", "NHWC", "logits")), manifest.formats());
        assertTrue(manifest.model("dl4j").isEmpty());
        assertTrue(manifest.model("onnx").orElseThrow().channelsLast());
        assertTrue(manifest.model("onnx").orElseThrow().logits());
    }

    @Test
    void aDl4jOnlyManifestWithoutEitherFieldHoldsTheDl4jModel() throws Exception {
        BundleManifest manifest =
                read(WITH_ONNX_FIELD.replace(", \"model.onnx\"", "").replaceAll(",\\s*\"onnx\" : \\{[^}]*}", ""));
        assertEquals(List.of(ModelFormat.dl4j()), manifest.formats());
    }

    @Test
    void formatsAreWrittenAndReadBackInsteadOfTheOnnxField() throws Exception {
        BundleManifest manifest = read(WITH_ONNX_FIELD);
        Path file = dir.resolve("again.json");
        Json.write(file, manifest);
        String written = Files.readString(file);
        assertTrue(written.contains("\"formats\""), written);
        assertTrue(!written.contains("\"onnx\" :"), written);
        assertEquals(manifest.formats(), Json.read(file, BundleManifest.class).formats());
    }

    private BundleManifest read(String json) throws Exception {
        Path file = dir.resolve(BundleManifest.FILE_NAME);
        Files.writeString(file, json);
        return Json.read(file, BundleManifest.class);
    }
}
