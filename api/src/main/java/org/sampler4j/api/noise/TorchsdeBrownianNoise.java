package org.sampler4j.api.noise;

import java.util.Arrays;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.NoiseSource;

/**
 * k-diffusion's {@code BrownianTreeNoiseSampler(x, sigma_min, sigma_max, seed, cpu=True)} (identity transform) on
 * {@link TorchsdeBrownianTree}s, value for value: the default noise of k-diffusion's and ComfyUI's {@code dpmpp_sde},
 * {@code dpmpp_2m_sde} and {@code dpmpp_3m_sde}. Provenance: crowsonkb/k-diffusion {@code k_diffusion/sampling.py}
 * ({@code BatchedBrownianTree}, {@code BrownianTreeNoiseSampler}); ComfyUI's copy is the same.
 *
 * <p>{@code noise(sigma, sigmaNext)} sorts the two times ({@code sign = -1} when {@code sigma > sigmaNext}), asks each
 * tree for {@code W(hi) - W(lo)} at the float32 times ({@code t.cpu().float()}), multiplies by the sign and divides by
 * {@code sqrt|sigmaNext - sigma|} computed in the latent's dtype (float32 latents: the sigmas as float32 tensors, as a
 * sampler's {@code sigmas} are). A single seed ({@link #of}) makes one tree over the whole latent (k-diffusion's
 * {@code seed=int}); a list ({@link #perItem}) makes one tree per batch item (its {@code seed=[...]}), so item {@code i}
 * is what a batch of one with {@code seeds[i]} gets. The trees are built on the first call, from its latent's shape and
 * dtype (torchsde's {@code w0 = zeros_like(x)}).
 *
 * <p>Thread-safe.
 */
public final class TorchsdeBrownianNoise implements NoiseSource {
    /** The noise name in recipes and on the command line ({@code rng: {steps: brownian-torchsde}}). */
    public static final String ID = "brownian-torchsde";

    private final long[] seeds;
    private final boolean batched;
    private final double sigmaMin;
    private final double sigmaMax;
    private final int treeSign;
    private TorchsdeBrownianTree[] trees;
    private int[] shape;
    private Latent.Precision precision;

    private TorchsdeBrownianNoise(long[] seeds, boolean batched, double sigmaMin, double sigmaMax) {
        if (seeds.length == 0) throw new IllegalArgumentException("a Brownian-tree noise needs at least one seed");
        if (!Double.isFinite(sigmaMin) || !Double.isFinite(sigmaMax)) {
            throw new IllegalArgumentException("the Brownian tree's sigma range must be finite, got [" + sigmaMin + ", " + sigmaMax + "]");
        }
        this.seeds = seeds.clone();
        this.batched = batched;
        this.treeSign = sigmaMin < sigmaMax ? 1 : -1;
        this.sigmaMin = Math.min(sigmaMin, sigmaMax);
        this.sigmaMax = Math.max(sigmaMin, sigmaMax);
    }

    /**
     * {@code BrownianTreeNoiseSampler(x, sigmaMin, sigmaMax, seed=seed)}: one tree for the whole latent.
     *
     * @param seed the tree's entropy
     * @param sigmaMin the lower end of the tree's time range, positive
     * @param sigmaMax the upper end, above {@code sigmaMin}
     * @return the noise source
     */
    public static TorchsdeBrownianNoise of(long seed, double sigmaMin, double sigmaMax) {
        return new TorchsdeBrownianNoise(new long[] {seed}, false, sigmaMin, sigmaMax);
    }

    /**
     * {@code BrownianTreeNoiseSampler(x, sigmaMin, sigmaMax, seed=[seeds...])}: one tree per batch item.
     *
     * @param seeds one entropy per batch item
     * @param sigmaMin the lower end of the trees' time range, positive
     * @param sigmaMax the upper end, above {@code sigmaMin}
     * @return the noise source
     */
    public static TorchsdeBrownianNoise perItem(long[] seeds, double sigmaMin, double sigmaMax) {
        return new TorchsdeBrownianNoise(seeds, true, sigmaMin, sigmaMax);
    }

    /**
     * The noise ComfyUI's and k-diffusion's SDE samplers make for a schedule: the range is
     * {@code [min of the positive sigmas, max sigma]} ({@code sigmas[sigmas > 0].min(), sigmas.max()}), rounded to float32
     * when the latent is float32 (the sigmas tensor's dtype); one tree per item seed.
     *
     * @param seeds one entropy per batch item
     * @param sigmas the schedule's sigmas
     * @param precision the latent's precision (float32 rounds the range as torch does)
     * @return the noise source
     */
    public static TorchsdeBrownianNoise forSchedule(long[] seeds, double[] sigmas, Latent.Precision precision) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double s : sigmas) {
            double v = precision == Latent.Precision.FLOAT32 ? (float) s : s;
            if (v > 0) min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (!(min <= max)) throw new IllegalArgumentException("a Brownian-tree noise needs a schedule with a positive sigma, got " + Arrays.toString(sigmas));
        return perItem(seeds, min, max);
    }

    @Override
    public synchronized Latent noise(double sigma, double sigmaNext, Latent like) {
        if (sigma == sigmaNext) throw new IllegalArgumentException("Brownian-tree noise over an empty interval: sigma = sigmaNext = " + sigma);
        int items = trees(like);
        boolean f32 = like.precision() == Latent.Precision.FLOAT32;
        double s = f32 ? (float) sigma : sigma;
        double sn = f32 ? (float) sigmaNext : sigmaNext;
        double lo = Math.min(s, sn);
        double hi = Math.max(s, sn);
        int sign = treeSign * (s < sn ? 1 : -1);
        double dt = Math.abs(f32 ? (float) (sn - s) : sn - s);
        double scale = f32 ? (float) Math.sqrt(dt) : Math.sqrt(dt);
        int per = like.size() / items;
        double[] out = new double[like.size()];
        for (int t = 0; t < items; t++) {
            double[] w = trees[t].increment((float) lo, (float) hi);
            for (int i = 0; i < per; i++) {
                double v = sign * w[i] / scale;
                out[t * per + i] = f32 ? (float) v : v;
            }
        }
        return like.withValues(out);
    }

    /** Builds the trees for {@code like}'s shape and dtype on the first call; later calls must match. */
    private int trees(Latent like) {
        if (trees == null) {
            int items = batched ? seeds.length : 1;
            if (batched && (like.shape().length == 0 || like.shape()[0] != seeds.length)) {
                throw new IllegalArgumentException("Brownian-tree noise with " + seeds.length + " item seeds asked for a latent of shape "
                        + Arrays.toString(like.shape()) + "; give one seed per batch item");
            }
            trees = new TorchsdeBrownianTree[items];
            for (int t = 0; t < items; t++) trees[t] = new TorchsdeBrownianTree(sigmaMin, sigmaMax, like.size() / items, like.precision(), seeds[t]);
            shape = like.shape().clone();
            precision = like.precision();
        } else if (!Arrays.equals(shape, like.shape()) || precision != like.precision()) {
            throw new IllegalArgumentException("Brownian-tree noise built for " + precision + " " + Arrays.toString(shape) + " asked for "
                    + like.precision() + " " + Arrays.toString(like.shape()) + "; use one noise source per latent shape");
        }
        return trees.length;
    }
}
