package io.fovea.core.bundle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a little-endian float32 NumPy file ({@code .npy}, C order) from its bytes straight into the
 * memory of a new ND4J array: one copy, no temporary buffer.
 *
 * <p>Why not {@code Nd4j.createFromNpyFile}: the array it returns keeps the file's contents in a
 * native block that {@code close()} does not free; only the garbage collector does, whenever it
 * runs, so resident memory grew by the size of the model at every hot-swap. An array made here is
 * ND4J's own, and {@code close()} frees it at once.
 */
final class NpyFloats {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private NpyFloats() {}

    static INDArray read(Path file) throws IOException {
        return read(Files.readAllBytes(file), file.toString());
    }

    /** The array in {@code npy}, the whole file's bytes; {@code source} names it in errors. */
    static INDArray read(byte[] npy, String source) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IOException("reading .npy into memory as is needs a little-endian machine");
        }
        ByteBuffer in = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() < 10 || !Arrays.equals(Arrays.copyOf(npy, 6), MAGIC)) {
            throw new IOException(source + ": not a NumPy .npy file");
        }
        in.position(6);
        int major = in.get();
        in.get(); // minor version
        int headerLength = major == 1 ? Short.toUnsignedInt(in.getShort()) : in.getInt();
        if (headerLength < 0 || headerLength > in.remaining()) {
            throw new IOException(source + ": ends early");
        }
        String header = new String(npy, in.position(), headerLength, StandardCharsets.ISO_8859_1);
        in.position(in.position() + headerLength);
        long[] shape = parseHeader(header, source);
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (4 * count > Integer.MAX_VALUE) {
            throw new IOException(source + ": " + count + " parameters; more than 2 GB in one array is not supported");
        }
        long expected = in.position() + 4 * count;
        if (npy.length != expected) {
            throw new IOException(
                    source + ": " + npy.length + " bytes, but its header " + header.trim() + " needs " + expected);
        }
        INDArray array = Nd4j.create(DataType.FLOAT, shape, 'c');
        try {
            // the array's own memory, as a buffer: the file's bytes land where ND4J reads them
            ByteBuffer target = array.data().asNio().order(ByteOrder.nativeOrder());
            target.clear();
            target.put(in);
            return array;
        } catch (RuntimeException e) {
            array.close();
            throw e;
        }
    }

    static long[] parseHeader(String header, Path file) throws IOException {
        return parseHeader(header, file.toString());
    }

    /** The shape, after checking the data are little-endian float32 in C order. */
    static long[] parseHeader(String header, String file) throws IOException {
        Matcher descr = DESCR.matcher(header);
        Matcher order = ORDER.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !order.find() || !shape.find()) {
            throw new IOException(file + ": unreadable .npy header " + header.trim());
        }
        if (!descr.group(1).equals("<f4")) {
            throw new IOException(file + ": holds " + descr.group(1) + ", expected little-endian float32 (<f4)");
        }
        if (order.group(1).equals("True")) {
            throw new IOException(file + ": Fortran order, expected C order");
        }
        return Arrays.stream(shape.group(1).split(","))
                .map(String::trim)
                .filter(d -> !d.isEmpty())
                .mapToLong(Long::parseLong)
                .toArray();
    }
}
