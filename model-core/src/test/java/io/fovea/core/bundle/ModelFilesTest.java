package io.fovea.core.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.core.runtime.NativeBackend;
import io.fovea.core.store.TinyModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelFilesTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void backend() {
        NativeBackend.configure();
    }

    @Test
    void aWrittenModelReadsBackWithTheSameParametersAndOutputsAndTheChecksumCoversBothFiles() {
        ComputationGraph graph = TinyModels.tiny(7);
        String sha256 = ModelFiles.write(graph, dir);
        assertEquals(Sha256.of(dir.resolve("graph.json"), dir.resolve("params.npy")), sha256);
        ComputationGraph read = ModelFiles.read(dir);
        assertEquals(graph.params(), read.params());
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 3, 2, 2);
        assertEquals(graph.outputSingle(x), read.outputSingle(x));
    }

    @Test
    void npyFilesWrittenByNd4jReadBackExactlyWhateverTheirShape() throws IOException {
        INDArray matrix = Nd4j.rand(DataType.FLOAT, 3, 5);
        Path file = dir.resolve("m.npy");
        Nd4j.writeAsNumpy(matrix, file.toFile());
        INDArray read = NpyFloats.read(file);
        assertArrayEquals(new long[] {3, 5}, read.shape());
        assertEquals(matrix, read);
    }

    @Test
    void aTruncatedParameterFileIsAClearError() throws IOException {
        ModelFiles.write(TinyModels.tiny(1), dir);
        Path params = dir.resolve(ModelFiles.PARAMETERS);
        byte[] bytes = Files.readAllBytes(params);
        Files.write(params, Arrays.copyOf(bytes, bytes.length - 8));
        IOException e = assertThrows(IOException.class, () -> NpyFloats.read(params));
        assertTrue(e.getMessage().contains("bytes, but its header"), e.getMessage());
    }

    @Test
    void onlyLittleEndianFloat32InCOrderIsAccepted() {
        Path file = dir.resolve("x.npy");
        assertTrue(assertThrows(
                        IOException.class,
                        () -> NpyFloats.parseHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", file))
                .getMessage()
                .contains("<f8"));
        assertTrue(assertThrows(
                        IOException.class,
                        () -> NpyFloats.parseHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (4,), }", file))
                .getMessage()
                .contains("Fortran"));
        assertThrows(IOException.class, () -> NpyFloats.parseHeader("garbage", file));
    }

    @Test
    void aFileThatIsNotNpyIsAClearError() throws IOException {
        Path file = dir.resolve("not.npy");
        Files.writeString(file, "PK\u0003\u0004 a zip, say", StandardCharsets.ISO_8859_1);
        assertTrue(assertThrows(IOException.class, () -> NpyFloats.read(file))
                .getMessage()
                .contains("not a NumPy"));
    }
}
