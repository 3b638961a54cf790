package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.GuidedDenoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Ancestral Euler steps under CFG++: {@code x' = D + (sigma_down / sigma)(x - U) + s_noise sigma_up z}, with the
 * guided estimate D and the unconditional U. Chung et al. 2024 (CFG++); ComfyUI {@code sample_euler_ancestral_cfg_pp}.
 *
 * <p>As ComfyUI: a step to sigma 0 returns D, and noise is drawn only when {@code eta > 0} and {@code s_noise > 0}.
 */
@Extension
public final class EulerAncestralCfgPp implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("euler_ancestral_cfg_pp", List.of("euler_a_cfg_pp", "euler_ancestral_cfgpp"),
            "Euler ancestral steps with CFG++ renoising (needs the unconditional prediction)",
            "Chung et al. 2024, CFG++ (ComfyUI sample_euler_ancestral_cfg_pp)", Ancestral.OPTIONS, CfgPlusPlus.capabilities(true));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return sample(GuidedDenoiser.require(model, INFO), x, sigmas, o.number("eta"), o.number("s_noise"), ctx);
    }

    /** The sampler loop; {@code eta = s_noise = 0} is {@link EulerCfgPp}. */
    static Latent sample(GuidedDenoiser model, Latent x, double[] sigmas, double eta, double sNoise, SamplingContext ctx) {
        boolean noisy = eta > 0 && sNoise > 0;
        // x and the x it is computed from; an estimate sharing x's storage (an identity model) is a term of every write while used
        LatentRing xs = LatentRing.of(2);
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            GuidedDenoiser.Estimates e = model.denoiseBoth(x, sigma);
            if (sigmaNext == 0) {
                x = e.guided();
            } else {
                AncestralStep downUp = AncestralStep.of(sigma, sigmaNext, eta);
                double dt = downUp.down() - sigma;
                double cx = 1 + dt / sigma;
                double cu = -dt / sigma;
                if (noisy) {
                    Latent noise = ctx.noise().noise(sigma, sigmaNext, x);
                    x = CfgPlusPlus.step(e, 1, new double[] {cx, cu, sNoise * downUp.up()}, new Latent[] {x, e.unconditional(), noise}, xs);
                } else {
                    x = CfgPlusPlus.step(e, 1, new double[] {cx, cu}, new Latent[] {x, e.unconditional()}, xs);
                }
            }
            ctx.step(i, sigmas, x, e.guided());
        }
        return x;
    }
}
