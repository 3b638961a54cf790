package org.sampler4j.host.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.schedule.EdmNoiseModel;
import org.sampler4j.api.schedule.NoiseModel;

/**
 * The built-in analytic model {@code gmm}: a class-conditional Gaussian mixture over images with its exact denoiser
 * ({@link GaussianMixture}), selectable like any model ({@code --model gmm} or {@code --model gmm:CxHxW}, default
 * {@code 3x16x16}, any size). Class {@code k} is one isotropic component (mean: a coloured stripe pattern, std 0.15);
 * the null class {@value #CLASSES} is the whole mixture with equal weights, so classifier-free guidance has a real
 * unconditional model. The noise model is EDM's ({@code sigma 0.002..80}); the model is its own denoiser, so it needs no
 * native engine and sampling it is exact up to the sampler's error.
 */
public final class AnalyticModel implements DiffusionModel {
    /** Number of classes (mixture components). */
    public static final int CLASSES = 10;
    /** Standard deviation of every component. */
    public static final double COMPONENT_STD = 0.15;
    private static final Pattern REF = Pattern.compile("gmm(?::(\\d+)x(\\d+)x(\\d+))?");

    private final String reference;
    private final int[] item;
    private final GaussianMixture mixture;
    private final GaussianMixture[] components;
    private final ConditioningSpec conditioning = new ConditioningSpec("class_label", CLASSES, CLASSES, null, null);

    private AnalyticModel(String reference, int[] item) {
        this.reference = reference;
        this.item = item;
        int dim = item[0] * item[1] * item[2];
        double[][] means = new double[CLASSES][];
        double[] stds = new double[CLASSES];
        double[] weights = new double[CLASSES];
        components = new GaussianMixture[CLASSES];
        for (int k = 0; k < CLASSES; k++) {
            means[k] = pattern(k, item);
            stds[k] = COMPONENT_STD;
            weights[k] = 1;
            components[k] = new GaussianMixture(new double[][] {means[k]}, new double[] {COMPONENT_STD}, new double[] {1});
        }
        mixture = new GaussianMixture(means, stds, weights);
        if (dim != mixture.dim()) throw new IllegalStateException();
    }

    /** Whether {@code ref} names this built-in model. */
    public static boolean matches(String ref) {
        return ref.equals("gmm") || ref.startsWith("gmm:");
    }

    /** Opens {@code gmm} or {@code gmm:CxHxW} (C = 1 or 3). */
    public static AnalyticModel open(String ref) {
        Matcher m = REF.matcher(ref);
        if (!m.matches()) throw new ModelException("built-in model '" + ref + "': write gmm or gmm:CxHxW, e.g. gmm:3x16x16");
        int[] item = m.group(1) == null ? new int[] {3, 16, 16}
                : new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
        if (item[0] != 1 && item[0] != 3) throw new ModelException("built-in model " + ref + ": channels must be 1 or 3 (images), got " + item[0]);
        if (item[1] < 1 || item[2] < 1 || (long) item[1] * item[2] > 1 << 20) throw new ModelException("built-in model " + ref + ": height and width must be 1..1024x1024");
        return new AnalyticModel(ref, item);
    }

    /** Class k's mean: a hue per class on diagonal stripes whose frequency grows with k, values in [-0.8, 0.8]. */
    static double[] pattern(int k, int[] item) {
        int c = item[0], h = item[1], w = item[2];
        double[] v = new double[c * h * w];
        double hue = 2 * Math.PI * k / CLASSES;
        double freq = 2 * Math.PI * (1 + k % 5) / Math.max(h, w);
        for (int ch = 0; ch < c; ch++) {
            double tint = c == 1 ? 0 : 0.5 * Math.cos(hue - 2 * Math.PI * ch / 3);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double stripe = (k < 5 ? Math.cos(freq * (x + y)) : Math.cos(freq * (x - y)));
                    v[(ch * h + y) * w + x] = Math.max(-0.8, Math.min(0.8, tint + 0.4 * stripe));
                }
            }
        }
        return v;
    }

    @Override
    public float[] forward(float[] input, float[] timesteps, Conditions cond) {
        int b = timesteps.length;
        int per = item[0] * item[1] * item[2];
        float[] out = new float[input.length];
        for (int i = 0; i < b; i++) {
            int label = cond.classLabels() == null ? CLASSES : cond.classLabels()[i];
            GaussianMixture g = label == CLASSES ? mixture : components[label];
            Latent x = ArrayLatent.ofFloats(Arrays.copyOfRange(input, i * per, (i + 1) * per), 1, per);
            double[] d = g.denoise(x, timesteps[i]).toDoubleArray();
            for (int j = 0; j < per; j++) out[i * per + j] = (float) d[j];
        }
        return out;
    }

    @Override
    public PixelBatch toPixels(float[] samples, int batch) {
        return new PixelBatch(samples.clone(), batch, item[0], item[1], item[2], -1, 1);
    }

    @Override public String name() { return "gmm " + item[0] + "x" + item[1] + "x" + item[2]; }
    @Override public String reference() { return reference; }
    @Override public NoiseModel noiseModel() { return EdmNoiseModel.standard(); }
    @Override public Prediction prediction() { return Prediction.SAMPLE; }
    @Override public Parameterization parameterization() { return Parameterization.direct(); }
    @Override public int[] itemShape() { return item.clone(); }
    @Override public ConditioningSpec conditioning() { return conditioning; }
    @Override public Optional<String> defaultSchedule() { return Optional.of("linspace(20).karras()"); }
    @Override public void close() { }
}
