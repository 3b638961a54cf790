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
 * DPM-Solver++(2M) under CFG++: {@code x' = D + (sigma_next/sigma)(x - U) + phi1(h) (h / 2h_last) (D - U_prev)}, with
 * the guided estimate D, the unconditional U and the previous step's U_prev. Chung et al. 2024 (CFG++); ComfyUI
 * {@code sample_dpmpp_2m_cfg_pp}.
 */
@Extension
public final class Dpmpp2mCfgPp implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("dpmpp_2m_cfg_pp", List.of("dpm++_2m_cfg_pp", "dpmpp_2m_cfgpp"),
            "DPM-Solver++(2M) with CFG++ renoising (needs the unconditional prediction); first-order on the first step and a step to 0",
            "Chung et al. 2024, CFG++ (ComfyUI sample_dpmpp_2m_cfg_pp)", MultistepOrder.options(2), CfgPlusPlus.capabilities(false));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        GuidedDenoiser guided = GuidedDenoiser.require(model, INFO);
        Latent oldUncond = null;
        // x and the x it is computed from; an estimate sharing x's storage (an identity model) is a term of every write while used
        LatentRing xs = LatentRing.of(2);
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            GuidedDenoiser.Estimates e = guided.denoiseBoth(x, sigma);
            Latent uncond = e.unconditional();
            if (sigmaNext == 0) {
                x = e.guided();
            } else {
                double h = ExpIntegrator.h(sigma, sigmaNext);
                double decay = sigmaNext / sigma;
                double weight = ExpIntegrator.phi1(h);
                if (MultistepOrder.at(i, sigmas, oldUncond == null ? 0 : 1, o) == 1) {
                    x = CfgPlusPlus.step(e, 1, new double[] {decay, weight}, new Latent[] {x, uncond}, xs);
                } else {
                    double k = h / (2 * ExpIntegrator.h(sigmas[i - 1], sigma)); // 1 / (2r), r = h_last / h
                    x = CfgPlusPlus.step(e, 1 + weight * k, new double[] {decay, weight * (1 + k), -weight * k}, new Latent[] {x, uncond, oldUncond}, xs);
                }
            }
            oldUncond = uncond;
            ctx.step(i, sigmas, x, e.guided());
        }
        return x;
    }
}
