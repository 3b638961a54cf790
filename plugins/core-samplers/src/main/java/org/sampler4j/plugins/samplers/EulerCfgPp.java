package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.GuidedDenoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Euler steps under CFG++: {@code x' = D + (sigma_next / sigma)(x - U)}, with the guided estimate D and the
 * unconditional U (the noise estimate is taken from U). Chung et al. 2024 (CFG++); ComfyUI {@code sample_euler_cfg_pp}
 * (its ancestral variant with eta = 0, as here).
 */
@Extension
public final class EulerCfgPp implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("euler_cfg_pp", List.of("euler_cfgpp"),
            "Euler steps with CFG++ renoising (needs the unconditional prediction)",
            "Chung et al. 2024, CFG++ (ComfyUI sample_euler_cfg_pp)", List.of(), CfgPlusPlus.capabilities(false));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return EulerAncestralCfgPp.sample(GuidedDenoiser.require(model, INFO), x, sigmas, 0, 0, ctx);
    }
}
