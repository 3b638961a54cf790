package org.sampler4j.plugins.samplers;

import java.util.List;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;

/**
 * What PNDM's linear multistep combines ({@link Plms}): the noise estimates {@code d = (x - D)/sigma}
 * ({@link #NOISE}), or, as diffusers' {@code PNDMScheduler} does with {@code prediction_type=v_prediction}, the raw
 * {@code v} outputs ({@link #VELOCITY}), recovered from {@code D = x/(1+sigma^2) - sigma/sqrt(1+sigma^2) v} and turned
 * into a noise estimate only at the start {@code (x, sigma)} of the step that uses their combination {@code V}:
 * {@code eps = (sigma x/sqrt(1+sigma^2) + V)/sqrt(1+sigma^2)} (PNDM's formula (9) takes the VP
 * {@code eps = sqrt(alpha_bar) V + sqrt(1 - alpha_bar) x_vp}). The two agree for a single term.
 */
enum PndmHistory {
    NOISE,
    VELOCITY;

    static PndmHistory of(String id) {
        return id.equals("v") ? VELOCITY : NOISE;
    }

    /**
     * The history entry of a model call at {@code (x, sigma)} with denoised estimate {@code denoised}, written into
     * {@code into}.
     */
    Latent value(Latent x, double sigma, Latent denoised, LatentRing into) {
        if (this == NOISE) return into.toD(x, sigma, denoised);
        double r = Math.hypot(1, sigma);
        return into.sum(1 / (r * sigma), x, -r / sigma, denoised);
    }

    /**
     * The step from {@code (x, sigma)} to {@code sigmaNext} with the noise estimate of {@code sum_j w[j] values[j]},
     * written into {@code xs}.
     */
    Latent step(Latent x, double sigma, double sigmaNext, double[] w, List<Latent> values, LatentRing xs) {
        double h = sigmaNext - sigma;
        double r = Math.hypot(1, sigma);
        double scale = this == NOISE ? h : h / r;
        double[] coeffs = new double[w.length + 1];
        Latent[] terms = new Latent[w.length + 1];
        coeffs[0] = this == NOISE ? 1 : 1 + h * sigma / (r * r);
        terms[0] = x;
        for (int j = 0; j < w.length; j++) {
            coeffs[j + 1] = scale * w[j];
            terms[j + 1] = values.get(j);
        }
        return xs.sum(coeffs, terms);
    }
}
