package org.sampler4j.plugins.samplers;

import java.util.Set;
import org.sampler4j.api.sampler.GuidedDenoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.SamplerInfo;

/**
 * CFG++ (Chung et al. 2024, "Manifold-constrained Classifier Free Guidance"; ComfyUI {@code sample_*_cfg_pp}): the
 * guided estimate {@code D} is the step's clean-data target, but the renoising direction uses the unconditional
 * estimate {@code U}, e.g. the Euler step {@code x' = D + (sigma'/sigma)(x - U)} instead of {@code D + (sigma'/sigma)(x - D)}.
 *
 * <p>Every CFG++ step here is written as its plain counterpart's linear combination, taken with {@code U} in place
 * of {@code D}, plus {@code w (D - U)}: {@code w = 1} for the Euler-type steps, {@code 1 + phi1(h) h / (2 h_last)}
 * for DPM-Solver++(2M), whose second-order term ComfyUI takes with the guided estimate. The guidance vector comes
 * first in the fused sum, so with guidance scale 1 ({@code D == U}) it cancels before the plain terms are added and
 * the step equals the plain sampler's bit for bit (on {@link org.sampler4j.api.sampler.ArrayLatent}).
 */
final class CfgPlusPlus {
    private CfgPlusPlus() {}

    /** What a CFG++ sampler declares: one guided evaluation per step, every noise model, needs the unconditional estimate. */
    static SamplerInfo.Capabilities capabilities(boolean stochastic) {
        return new SamplerInfo.Capabilities(stochastic, 1, Set.of(SamplerInfo.ModelKind.values()), true);
    }

    /**
     * {@code w (guided - unconditional) + sum_k coeffs[k] terms[k]} in one fused sum.
     *
     * @param e the step's estimates
     * @param w weight of the guidance vector
     * @param coeffs the plain step's coefficients
     * @param terms the plain step's terms, with the unconditional estimate(s) where the plain step has denoised ones
     * @param xs where the result is written
     */
    static Latent step(GuidedDenoiser.Estimates e, double w, double[] coeffs, Latent[] terms, LatentRing xs) {
        double[] c = new double[coeffs.length + 2];
        Latent[] t = new Latent[terms.length + 2];
        c[0] = w;
        t[0] = e.guided();
        c[1] = -w;
        t[1] = e.unconditional();
        System.arraycopy(coeffs, 0, c, 2, coeffs.length);
        System.arraycopy(terms, 0, t, 2, terms.length);
        return xs.sum(c, t);
    }
}
