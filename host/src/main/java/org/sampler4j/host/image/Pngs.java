package org.sampler4j.host.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Node;

/**
 * PNG files with text chunks, through {@code javax.imageio} (no extra dependency). Text goes into a {@code tEXt} chunk
 * when it is Latin-1, else into an uncompressed UTF-8 {@code iTXt} chunk; both are read back. Files are written
 * atomically: to a temporary file in the target folder, then renamed over the target, so a reader never sees half an
 * image and an interrupted run leaves no truncated file.
 */
public final class Pngs {
    private static final String FORMAT = "javax_imageio_png_1.0";

    private Pngs() {}

    /** Temp files are created owner-only; images are ordinary files (rw-r--r--, as most tools write them). */
    static void readableByAll(Path p) throws IOException {
        if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Writes {@code image} to {@code file} with the text chunks {@code text} (keyword to value), atomically. */
    public static void write(Path file, BufferedImage image, Map<String, String> text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        WRITING.add(tmp);
        readableByAll(tmp);
        try {
            ImageWriter w = ImageIO.getImageWritersByFormatName("png").next();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(tmp.toFile())) {
                IIOMetadata md = w.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), w.getDefaultWriteParam());
                IIOMetadataNode root = new IIOMetadataNode(FORMAT);
                IIOMetadataNode tEXt = new IIOMetadataNode("tEXt");
                IIOMetadataNode iTXt = new IIOMetadataNode("iTXt");
                for (Map.Entry<String, String> e : text.entrySet()) {
                    if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(e.getValue())) {
                        IIOMetadataNode n = new IIOMetadataNode("tEXtEntry");
                        n.setAttribute("keyword", e.getKey());
                        n.setAttribute("value", e.getValue());
                        tEXt.appendChild(n);
                    } else {
                        IIOMetadataNode n = new IIOMetadataNode("iTXtEntry");
                        n.setAttribute("keyword", e.getKey());
                        n.setAttribute("compressionFlag", "FALSE");
                        n.setAttribute("compressionMethod", "0");
                        n.setAttribute("languageTag", "");
                        n.setAttribute("translatedKeyword", "");
                        n.setAttribute("text", e.getValue());
                        iTXt.appendChild(n);
                    }
                }
                if (tEXt.hasChildNodes()) root.appendChild(tEXt);
                if (iTXt.hasChildNodes()) root.appendChild(iTXt);
                md.mergeTree(FORMAT, root);
                w.setOutput(out);
                w.write(new IIOImage(image, null, md));
            } finally {
                w.dispose();
            }
            commit(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
            WRITING.remove(tmp);
        }
    }

    /** Temporary files of writes in progress. */
    private static final java.util.Set<Path> WRITING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Deletes the temporary files of writes in progress (an interrupted process calls this from its shutdown hook).
     *
     * @return how many were removed
     */
    public static int removePartial() {
        int n = 0;
        for (Path p : WRITING) {
            try {
                if (Files.deleteIfExists(p)) n++;
            } catch (IOException e) {
                // best effort: the process is going away
            }
        }
        return n;
    }

    /** Moves the finished temporary file {@code tmp} over {@code file}: atomically where the file system can, so readers see all or nothing. */
    public static void commit(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A PNG and its text chunks. */
    public record Read(BufferedImage image, Map<String, String> text) {}

    /** Reads a PNG and its {@code tEXt}/{@code iTXt} chunks. */
    public static Read read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString());
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
            ImageReader r = readers.next();
            try {
                r.setInput(in);
                BufferedImage img = r.read(0);
                IIOMetadata md = r.getImageMetadata(0);
                Map<String, String> text = new LinkedHashMap<>();
                for (Node n = md.getAsTree(FORMAT).getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (!n.getNodeName().equals("tEXt") && !n.getNodeName().equals("iTXt")) continue;
                    for (Node e = n.getFirstChild(); e != null; e = e.getNextSibling()) {
                        IIOMetadataNode en = (IIOMetadataNode) e;
                        text.put(en.getAttribute("keyword"), en.getNodeName().equals("tEXtEntry") ? en.getAttribute("value") : en.getAttribute("text"));
                    }
                }
                return new Read(img, text);
            } catch (IOException | RuntimeException e) {
                throw new IOException(file + " is not a readable PNG: " + e.getMessage(), e);
            } finally {
                r.dispose();
            }
        }
    }
}
