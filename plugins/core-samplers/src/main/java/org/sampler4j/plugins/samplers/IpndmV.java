package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/** Adams-Bashforth with variable-step coefficients. Zhang &amp; Chen 2023 iPNDM, variable-step form of Zhou et al. 2024; ComfyUI {@code sample_ipndm_v} (see {@link AdamsBashforth#comfyVariableStep}). */
@Extension
public final class IpndmV implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("ipndm_v", List.of(), "Adams-Bashforth steps with ComfyUI's variable-step coefficients (up to 4th order, 1 model call per step)",
            "Zhang & Chen 2023 iPNDM; variable-step form of Zhou et al. 2024 (ComfyUI sample_ipndm_v)", AdamsBashforth.OPTIONS, SamplerInfo.Capabilities.deterministic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return AdamsBashforth.sample(model, x, sigmas, o.integer("max_order"), AdamsBashforth::comfyVariableStep, true, ctx);
    }
}
