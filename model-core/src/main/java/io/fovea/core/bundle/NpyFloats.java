package io.fovea.core.bundle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a little-endian float32 NumPy file ({@code .npy}, C order) straight into the memory of a
 * new ND4J array: one copy from the page cache, no temporary buffer.
 *
 * <p>Why not {@code Nd4j.createFromNpyFile}: the array it returns keeps the file's contents in a
 * native block that {@code close()} does not free; only the garbage collector does, whenever it
 * runs. Loading a version per hot-swap then grew resident memory by the size of the model at
 * every swap. An array made here is ND4J's own, and {@code close()} frees it at once.
 */
final class NpyFloats {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private NpyFloats() {}

    static INDArray read(Path file) throws IOException {
        return read(file, null);
    }

    /** The array in {@code file}; every byte read is also fed to {@code digest} (when not null), the whole file in order. */
    static INDArray read(Path file, MessageDigest digest) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IOException("reading .npy into memory as is needs a little-endian machine");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer preamble = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, preamble, file, digest);
            preamble.flip();
            byte[] magic = new byte[6];
            preamble.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + ": not a NumPy .npy file");
            }
            int major = preamble.get();
            preamble.get(); // minor version
            int headerLength;
            if (major == 1) {
                headerLength = Short.toUnsignedInt(preamble.getShort());
            } else {
                ByteBuffer wide = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
                readFully(channel, wide, file, digest);
                wide.flip();
                headerLength =
                        (Short.toUnsignedInt(preamble.getShort())) | (Short.toUnsignedInt(wide.getShort()) << 16);
            }
            ByteBuffer headerBytes = ByteBuffer.allocate(headerLength);
            readFully(channel, headerBytes, file, digest);
            String header = new String(headerBytes.array(), StandardCharsets.ISO_8859_1);
            long[] shape = parseHeader(header, file);
            long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            if (4 * count > Integer.MAX_VALUE) {
                throw new IOException(
                        file + ": " + count + " parameters; more than 2 GB in one array is not supported");
            }
            long expected = channel.position() + 4 * count;
            if (channel.size() != expected) {
                throw new IOException(file + ": " + channel.size() + " bytes, but its header " + header.trim()
                        + " needs " + expected);
            }
            INDArray array = Nd4j.create(DataType.FLOAT, shape, 'c');
            try {
                // the array's own memory, as a buffer: the file's bytes land where ND4J reads them
                ByteBuffer target = array.data().asNio().order(ByteOrder.nativeOrder());
                target.clear();
                readFully(channel, target, file, digest);
                return array;
            } catch (IOException | RuntimeException e) {
                array.close();
                throw e;
            }
        }
    }

    /** The shape, after checking the data are little-endian float32 in C order. */
    static long[] parseHeader(String header, Path file) throws IOException {
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

    private static void readFully(FileChannel channel, ByteBuffer into, Path file, MessageDigest digest)
            throws IOException {
        int start = into.position();
        while (into.hasRemaining()) {
            if (channel.read(into) < 0) {
                throw new IOException(file + ": ends early");
            }
        }
        if (digest != null) {
            digest.update(into.duplicate().limit(into.position()).position(start));
        }
    }
}
