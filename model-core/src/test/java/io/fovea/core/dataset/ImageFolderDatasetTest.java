package io.fovea.core.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fovea.avro.PixelFormat;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {
    @TempDir
    Path root;

    private void image(String relative, String format, int width, int height) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), format, file.toFile());
    }

    @Test
    void subFoldersAreClassesInNameOrderAndFilesKeepTheirEncoding() throws IOException {
        image("dog/1.png", "png", 40, 30);
        image("cat/1.jpg", "jpg", 32, 32);
        image("cat/2.png", "png", 8, 8);
        Dataset dataset = Dataset.open(root);
        assertEquals(List.of("cat", "dog"), dataset.labels());
        List<DatasetItem> items = dataset.items().toList();
        assertEquals(3, items.size());
        assertEquals(List.of(0, 0, 1), items.stream().map(DatasetItem::label).toList());
        assertEquals(PixelFormat.JPEG, items.get(0).format());
        DatasetItem dog = items.get(2);
        assertEquals(PixelFormat.PNG, dog.format());
        assertEquals(40, dog.width());
        assertEquals(30, dog.height());
        assertEquals("dog/1.png", dog.origin());
    }

    @Test
    void unreadableImageIsNamedInTheError() throws IOException {
        image("cat/ok.png", "png", 4, 4);
        Path broken = root.resolve("cat/broken.png");
        Files.write(broken, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0});
        DatasetException e = assertThrows(
                DatasetException.class, () -> Dataset.open(root).items().toList());
        assertTrue(e.getMessage().startsWith(broken.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("unreadable image"), e.getMessage());
    }

    @Test
    void fileThatIsNoImageIsNamedInTheError() throws IOException {
        Files.createDirectories(root.resolve("cat"));
        Files.writeString(root.resolve("cat/notes.jpg"), "hello");
        DatasetException e = assertThrows(
                DatasetException.class, () -> Dataset.open(root).items().toList());
        assertTrue(e.getMessage().contains("notes.jpg: is neither PNG nor JPEG"), e.getMessage());
    }

    @Test
    void emptyClassFolderIsRefused() throws IOException {
        image("cat/1.png", "png", 4, 4);
        Files.createDirectories(root.resolve("dog"));
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.open(root));
        assertTrue(e.getMessage().contains("dog: class folder has no"), e.getMessage());
    }

    @Test
    void folderWithoutClassesIsRefused() {
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.open(root));
        assertTrue(e.getMessage().contains("has no class sub-folders"), e.getMessage());
    }
}
