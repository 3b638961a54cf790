package org.sampler4j.plugins.samplers;

import org.sampler4j.api.math.LmsCoefficients;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.SamplerStorage;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * The improved pseudo-numerical methods (iPNDM, Zhang &amp; Chen 2023): explicit Adams-Bashforth steps on the
 * probability-flow ODE {@code dx/dsigma = (x - D)/sigma} in sigma time, combining the current derivative with up to
 * {@code max_order - 1} past ones (lower orders while the history builds up), and {@code x = denoised} on a step to
 * sigma 0 (ComfyUI; diffusers' {@code IPNDMScheduler} keeps the multistep update there). Only the coefficient rule
 * differs between {@code ipndm} ({@link #fixedStep}) and {@code ipndm_v} ({@link #comfyVariableStep}).
 *
 * <p>The current derivative enters the update through {@code x} and {@code D} ({@code h c0 d0 = c0 (r - 1)(x - D)},
 * {@code r = sigma'/sigma}), so a first step from a huge sigma (diffusers' {@code alpha = 0} at {@code t = 1}) does
 * not cancel two numbers of size {@code x} in float32.
 */
final class AdamsBashforth {
    /** ComfyUI's {@code max_order} keyword (default 4). */
    static final List<OptionSpec> OPTIONS = List.of(OptionSpec.integer("max_order", 4, 1, 4, "number of derivatives combined (1 = Euler)"));

    /** Coefficients {@code c[j]} of the derivative {@code j} steps back, for a step of the given order from {@code sigmas[i]}. */
    @FunctionalInterface
    interface Rule {
        double[] coefficients(double[] sigmas, int i, int order);
    }

    private AdamsBashforth() {}

    /** The classical constant-step coefficients (ComfyUI {@code sample_ipndm}), used whatever the step sizes. */
    static double[] fixedStep(double[] sigmas, int i, int order) {
        return switch (order) {
            case 1 -> new double[] {1};
            case 2 -> new double[] {3 / 2.0, -1 / 2.0};
            case 3 -> new double[] {23 / 12.0, -16 / 12.0, 5 / 12.0};
            default -> new double[] {55 / 24.0, -59 / 24.0, 37 / 24.0, -9 / 24.0};
        };
    }

    /**
     * ComfyUI's variable-step coefficients ({@code sample_ipndm_v}, after Zhou et al. 2024, diff-solvers), reproduced as
     * written. Order 2 is the exact variable-step AB2 ({@link LmsCoefficients}); for order 3 the correction term is
     * {@code (1 - h0^2 / (3 h1 (h1 + h2))) / 2} where exact AB3 has {@code (1 - h0 / (3 (h0 + h1))) h0 (h0 + h1) / (2 h1 (h1 + h2))}
     * (equal only on uniform grids), and order 4 gives {@code 57/24} instead of {@code 55/24} even on uniform grids.
     * {@code h0 = sigma_{i+1} - sigma_i}, {@code hk = sigma_{i-k+1} - sigma_{i-k}}.
     */
    static double[] comfyVariableStep(double[] t, int i, int order) {
        if (order == 1) return new double[] {1};
        double h0 = t[i + 1] - t[i];
        double h1 = t[i] - t[i - 1];
        double r = h0 / h1;
        if (order == 2) return new double[] {1 + r / 2, -r / 2};
        double h2 = t[i - 1] - t[i - 2];
        double a = h0 / (3 * (h0 + h1));
        double temp1 = (1 - a * (h0 * (h0 + h1)) / (h1 * (h1 + h2))) / 2;
        if (order == 3) return new double[] {1 + r / 2 + temp1, -r / 2 - (1 + h1 / h2) * temp1, temp1 * h1 / h2};
        double h3 = t[i - 2] - t[i - 3];
        double growth = (h0 * (h0 + h1) * (h0 + h1 + h2)) / (h1 * (h1 + h2) * (h1 + h2 + h3));
        double temp2 = ((1 - a) / 2 + (1 - h0 / (2 * (h0 + h1))) * h0 / (6 * (h0 + h1 + h2))) * growth;
        double q = h1 * (h1 + h2) / (h2 * (h2 + h3));
        return new double[] {
            1 + r / 2 + temp1 + temp2,
            -r / 2 - (1 + h1 / h2) * temp1 - (1 + h1 / h2 + q) * temp2,
            temp1 * h1 / h2 + (h1 / h2 + q * (1 + h2 / h3)) * temp2,
            -temp2 * q * h1 / h2};
    }

    /**
     * The iPNDM loop with the given coefficient rule.
     *
     * @param denoisedAtZero {@code x = denoised} on a step to sigma 0 (ComfyUI) rather than the multistep update (diffusers)
     */
    static Latent sample(Denoiser model, Latent x, double[] sigmas, int maxOrder, Rule rule, boolean denoisedAtZero, SamplingContext ctx) {
        Deque<Latent> derivs = new ArrayDeque<>(); // derivatives, newest first
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(1);
        LatentRing derivatives = storage.ring(maxOrder); // the newest maxOrder, of which the oldest leaves the deque as the newest enters
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            derivs.addFirst(derivatives.toD(x, sigma, denoised));
            if (derivs.size() > maxOrder) derivs.removeLast();
            if (sigmaNext == 0 && denoisedAtZero) {
                x = denoised;
            } else {
                double dt = sigmaNext - sigma;
                double[] c = rule.coefficients(sigmas, i, derivs.size());
                double r = sigmaNext / sigma;
                double[] coeffs = new double[c.length + 1];
                Latent[] terms = new Latent[c.length + 1];
                coeffs[0] = 1 - c[0] + c[0] * r;
                terms[0] = x;
                coeffs[1] = c[0] * (1 - r);
                terms[1] = denoised;
                int j = 0;
                for (Latent d : derivs) {
                    if (j > 0) {
                        coeffs[j + 1] = dt * c[j];
                        terms[j + 1] = d;
                    }
                    j++;
                }
                x = xs.sum(coeffs, terms);
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
