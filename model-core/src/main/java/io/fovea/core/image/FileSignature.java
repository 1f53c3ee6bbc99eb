package io.fovea.core.image;

import io.fovea.avro.PixelFormat;
import io.fovea.schemas.serde.SingleObjectEncoding;
import java.util.HexFormat;
import java.util.List;

/**
 * The leading bytes ("magic numbers") of image file formats. A record is decoded by the reader of
 * its declared format only, so a GIF or TIFF declared as PNG never reaches the GIF or TIFF reader.
 */
final class FileSignature {
    private record Known(String name, byte[] start) {
        boolean matches(byte[] bytes) {
            if (bytes.length < start.length) {
                return false;
            }
            for (int i = 0; i < start.length; i++) {
                if (bytes[i] != start[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final Known PNG = known("PNG", "89504E470D0A1A0A");
    private static final Known JPEG = known("JPEG", "FFD8FF");
    /** Formats ImageIO or a sender might know, named in the refusal of a mislabelled file. */
    private static final List<Known> OTHERS = List.of(
            known("GIF", "47494638"),
            known("TIFF", "49492A00"),
            known("TIFF", "4D4D002A"),
            known("BMP", "424D"),
            known("WebP or another RIFF file", "52494646"),
            known("ZIP archive", "504B0304"),
            known("PDF", "25504446"),
            known("gzip stream", "1F8B"));

    private FileSignature() {}

    private static Known known(String name, String hex) {
        return new Known(name, HEX.parseHex(hex));
    }

    /** @return PNG or JPEG when {@code bytes} start with that file's signature, else null */
    static PixelFormat fileFormat(byte[] bytes) {
        return PNG.matches(bytes) ? PixelFormat.PNG : JPEG.matches(bytes) ? PixelFormat.JPEG : null;
    }

    /** @return null when {@code bytes} start like {@code format}, else why not, for a human */
    static String mismatch(PixelFormat format, byte[] bytes) {
        Known declared = format == PixelFormat.PNG ? PNG : JPEG;
        if (declared.matches(bytes)) {
            return null;
        }
        String looksLike = lookalike(bytes);
        return "declared " + format + " but the bytes start "
                + (looksLike == null ? "with no known image signature" : "like a " + looksLike) + " ("
                + leading(bytes) + ")";
    }

    private static String lookalike(byte[] bytes) {
        for (Known k : List.of(PNG, JPEG)) {
            if (k.matches(bytes)) {
                return k.name();
            }
        }
        return OTHERS.stream()
                .filter(k -> k.matches(bytes))
                .map(Known::name)
                .findFirst()
                .orElse(null);
    }

    private static String leading(byte[] bytes) {
        return bytes.length == 0 ? "no bytes at all" : SingleObjectEncoding.leadingHex(bytes, 8);
    }
}
