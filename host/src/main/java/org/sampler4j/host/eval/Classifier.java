package org.sampler4j.host.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.sampler4j.host.image.Images;
import org.sampler4j.host.model.ModelDescriptor;
import org.sampler4j.host.model.ModelException;
import org.sampler4j.host.model.PixelBatch;
import org.sampler4j.host.model.TorchScriptNetwork;

/**
 * An evaluation classifier: a TorchScript image classifier described by {@code classifier.yaml}, with held-out real
 * images to compare against. Example (models/digits/classifier/):
 *
 * <pre>
 * network: classifier.pt          # forward(images [B,C,H,W] in input.range) -> (logits [B,classes], features [B,features])
 * input: {channels: 1, height: 28, width: 28, range: [0, 1]}
 * classes: 10
 * features: 64                    # the penultimate layer, compared by the Fréchet distance
 * real_images: test-digits.png    # held-out real images: row k holds class k's images, side by side
 * test_accuracy: 0.988            # the classifier's accuracy on them (reported, not checked)
 * </pre>
 *
 * Generated samples are classified as the images a run writes: mapped to 8-bit pixels ({@link Images}), then to
 * {@code input.range}, exactly as the real PNG's pixels are.
 */
public final class Classifier implements AutoCloseable {
    /** The descriptor's file name inside a classifier folder. */
    public static final String FILE_NAME = "classifier.yaml";
    private static final int CHUNK = 250;

    /**
     * The classifier's input.
     *
     * @param channels 1 (grey) or 3 (RGB)
     * @param height rows
     * @param width columns
     * @param range the value of black and of white
     */
    public record Input(int channels, int height, int width, List<Double> range) {}

    /**
     * {@code classifier.yaml}.
     *
     * @param network the TorchScript file
     * @param input the input images
     * @param classes the number of classes
     * @param features the width of the feature output
     * @param realImages the PNG of held-out real images, one row per class
     * @param testAccuracy the accuracy on them when the classifier was made
     */
    public record Descriptor(String network, Input input, int classes, int features, String realImages, Double testAccuracy) {}

    /**
     * Classifications of a batch.
     *
     * @param predictions the arg-max class of each image
     * @param features the feature vector of each image
     */
    public record Result(int[] predictions, double[][] features) {}

    /**
     * Labelled real images.
     *
     * @param pixels the images as a pixel batch in {@code [0, 1]}
     * @param labels the class of each
     */
    public record RealImages(PixelBatch pixels, int[] labels) {}

    private final Path folder;
    private final Descriptor d;
    private final TorchScriptNetwork network;

    private Classifier(Path folder, Descriptor d, TorchScriptNetwork network) {
        this.folder = folder;
        this.d = d;
        this.network = network;
    }

    /**
     * The classifier a command uses for a model: {@code folder} when given, else the model's own
     * {@code MODEL/classifier} when it holds a {@value #FILE_NAME}.
     *
     * @param folder the folder the user named, or null
     * @param model the model reference (a folder, or a built-in model such as {@code gmm})
     * @return the opened classifier, or null when none was named and the model has none
     */
    public static Classifier forModel(Path folder, String model) {
        if (folder != null) return open(folder);
        Path dflt = Path.of(model).resolve("classifier");
        return Files.isRegularFile(dflt.resolve(FILE_NAME)) ? open(dflt) : null;
    }

    /** Opens a classifier folder ({@value #FILE_NAME} and the files it names). */
    public static Classifier open(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new ModelException("no " + FILE_NAME + " in " + folder + ": an evaluation classifier is a folder with " + FILE_NAME
                    + ", its TorchScript network and held-out real images (see models/digits/classifier)");
        }
        Descriptor d;
        try {
            d = ModelDescriptor.strictYaml().readValue(Files.readString(file), Descriptor.class);
        } catch (JsonProcessingException e) {
            throw new ModelException(file + ": " + e.getOriginalMessage().replaceAll(" \\(class [^)]*\\)", ""), e);
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (d == null || d.network() == null || d.input() == null || d.realImages() == null || d.input().range() == null || d.input().range().size() != 2) {
            throw new ModelException(file + ": needs network, input {channels, height, width, range: [lo, hi]}, classes, features and real_images");
        }
        if (d.input().channels() != 1 && d.input().channels() != 3) throw new ModelException(file + ": input.channels must be 1 or 3");
        if (d.classes() < 2 || d.features() < 1) throw new ModelException(file + ": classes must be >= 2 and features >= 1");
        return new Classifier(folder, d, TorchScriptNetwork.load(folder.resolve(d.network()), "classifier " + d.network()));
    }

    /** The descriptor. */
    public Descriptor descriptor() {
        return d;
    }

    /** The folder it was opened from. */
    public Path folder() {
        return folder;
    }

    /** Classifies every image of {@code pixels} (which must have the classifier's channels, height and width). */
    public Result classify(PixelBatch pixels) {
        Input in = d.input();
        if (pixels.channels() != in.channels() || pixels.height() != in.height() || pixels.width() != in.width()) {
            throw new ModelException(String.format(Locale.ROOT, "the classifier in %s takes %dx%dx%d images, the model makes %dx%dx%d: use a classifier trained on this model's data",
                    folder, in.channels(), in.height(), in.width(), pixels.channels(), pixels.height(), pixels.width()));
        }
        int n = pixels.batch();
        int per = in.channels() * in.height() * in.width();
        int[] pred = new int[n];
        double[][] feats = new double[n][];
        for (int start = 0; start < n; start += CHUNK) {
            int b = Math.min(CHUNK, n - start);
            float[] x = new float[b * per];
            for (int i = 0; i < b; i++) input(Images.of(pixels, start + i), x, i * per);
            List<TorchScriptNetwork.Output> out = network.callAll(List.of(TorchScriptNetwork.Input.floats("images", x, b, in.channels(), in.height(), in.width())),
                    2, "(logits, features)");
            float[] logits = check(out.get(0), b, d.classes(), "logits");
            float[] f = check(out.get(1), b, d.features(), "features");
            for (int i = 0; i < b; i++) {
                int best = 0;
                for (int k = 1; k < d.classes(); k++) if (logits[i * d.classes() + k] > logits[i * d.classes() + best]) best = k;
                pred[start + i] = best;
                double[] fi = new double[d.features()];
                for (int j = 0; j < fi.length; j++) fi[j] = f[i * d.features() + j];
                feats[start + i] = fi;
            }
        }
        return new Result(pred, feats);
    }

    private float[] check(TorchScriptNetwork.Output o, int b, int width, String what) {
        if (o.shape().length != 2 || o.shape()[0] != b || o.shape()[1] != width) {
            throw new ModelException("classifier " + d.network() + " returned " + what + " of shape " + java.util.Arrays.toString(o.shape())
                    + ", expected [" + b + ", " + width + "] (see " + FILE_NAME + ")");
        }
        return o.values();
    }

    /** Writes an image's pixels, mapped to the input range, into {@code x} from {@code offset} (channels first). */
    private void input(BufferedImage img, float[] x, int offset) {
        Input in = d.input();
        double lo = in.range().get(0);
        double scale = (in.range().get(1) - lo) / 255.0;
        int plane = in.height() * in.width();
        for (int y = 0; y < in.height(); y++) {
            for (int xx = 0; xx < in.width(); xx++) {
                int rgb = img.getRGB(xx, y);
                int i = y * in.width() + xx;
                if (in.channels() == 1) {
                    x[offset + i] = (float) (lo + ((rgb >> 16) & 0xff) * scale);
                } else {
                    for (int c = 0; c < 3; c++) x[offset + c * plane + i] = (float) (lo + ((rgb >> (16 - 8 * c)) & 0xff) * scale);
                }
            }
        }
    }

    /** The held-out real images: row {@code k} of {@code real_images} holds class {@code k}'s images. */
    public RealImages realImages() {
        Path file = folder.resolve(d.realImages());
        BufferedImage sheet;
        try {
            sheet = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new ModelException("cannot read the real images " + file + ": " + e.getMessage(), e);
        }
        Input in = d.input();
        if (sheet == null || sheet.getHeight() != d.classes() * in.height() || sheet.getWidth() % in.width() != 0) {
            throw new ModelException(file + " must hold one row of " + in.width() + "x" + in.height() + " images per class (" + d.classes() + " rows)");
        }
        int perClass = sheet.getWidth() / in.width();
        int n = d.classes() * perClass;
        int per = in.channels() * in.height() * in.width();
        int plane = in.height() * in.width();
        float[] v = new float[n * per];
        int[] labels = new int[n];
        java.awt.image.Raster raster = sheet.getRaster();
        int bands = raster.getNumBands();
        for (int k = 0; k < d.classes(); k++) {
            for (int j = 0; j < perClass; j++) {
                int i = k * perClass + j;
                labels[i] = k;
                for (int y = 0; y < in.height(); y++) {
                    for (int x = 0; x < in.width(); x++) {
                        for (int c = 0; c < in.channels(); c++) {
                            // the raster's samples, not getRGB: that would convert a grey PNG's linear grey to sRGB
                            int level = raster.getSample(j * in.width() + x, k * in.height() + y, Math.min(c, bands - 1));
                            v[i * per + c * plane + y * in.width() + x] = level / 255f;
                        }
                    }
                }
            }
        }
        return new RealImages(new PixelBatch(v, n, in.channels(), in.height(), in.width(), 0, 1), labels);
    }

    @Override
    public void close() {
        network.close();
    }
}
