package org.sampler4j.api.guidance;

import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;

/**
 * Classifier-free guidance and its rescaling.
 * <ul>
 *   <li>{@link #cfg}: Ho &amp; Salimans 2022, {@code uncond + scale (cond - uncond)} (diffusers pipelines);</li>
 *   <li>{@link #rescale}: Lin et al. 2023, section 3.4 (diffusers {@code rescale_noise_cfg}): match the per-sample
 *       standard deviation of the guided prediction to the conditional one, mixed by {@code phi}.</li>
 * </ul>
 * Both work on any prediction (eps, v, x0) and any latent; the batch is the first dimension.
 */
public final class Guidance {
    private Guidance() {}

    /**
     * {@return {@code uncond + scale * (cond - uncond)}. At scale 1 this is {@code cond}}
     *
     * @param uncond the unconditional estimate
     * @param cond the conditional estimate, same shape
     * @param scale the guidance scale
     */
    public static Latent cfg(Latent uncond, Latent cond, double scale) {
        return Latents.sum(1 - scale, uncond, scale, cond);
    }

    /**
     * {@code phi * guided * (std(cond) / std(guided)) + (1 - phi) * guided}, standard deviations per batch item over
     * all other dimensions, unbiased ({@code n - 1}) as {@code torch.std}.
     *
     * @param guided the guided estimate, batch first
     * @param cond the conditional estimate, same shape
     * @param phi the rescale factor, in {@code [0, 1]} (0: no rescale)
     * @return the rescaled estimate
     */
    public static Latent rescale(Latent guided, Latent cond, double phi) {
        if (!(phi >= 0 && phi <= 1)) throw new IllegalArgumentException("guidance_rescale must lie in [0, 1], got " + phi);
        double[] g = guided.toDoubleArray();
        double[] c = cond.toDoubleArray();
        if (g.length != c.length) throw new IllegalArgumentException("guided and conditional predictions differ in size: " + g.length + " vs " + c.length);
        int batch = guided.shape().length == 0 ? 1 : guided.shape()[0];
        int per = g.length / batch;
        double[] out = new double[g.length];
        for (int b = 0; b < batch; b++) {
            double factor = std(c, b * per, per) / std(g, b * per, per);
            double mix = phi * factor + (1 - phi);
            for (int i = b * per; i < (b + 1) * per; i++) out[i] = g[i] * mix;
        }
        return guided.withValues(out);
    }

    /**
     * Unbiased standard deviation of {@code v[from, from+n)}.
     *
     * @param v the values
     * @param from the first index
     * @param n the number of values, at least 2
     * @return the standard deviation
     */
    public static double std(double[] v, int from, int n) {
        double mean = 0;
        for (int i = from; i < from + n; i++) mean += v[i];
        mean /= n;
        double ss = 0;
        for (int i = from; i < from + n; i++) ss += (v[i] - mean) * (v[i] - mean);
        return Math.sqrt(ss / (n - 1));
    }
}
