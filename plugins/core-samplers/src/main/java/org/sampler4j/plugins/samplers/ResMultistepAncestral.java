package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/** The RES multistep solver with ancestral noise ({@link ResMultistep#run} with {@code eta}). Zhang, Tao &amp; Chen 2023; ComfyUI {@code sample_res_multistep_ancestral}. */
@Extension
public final class ResMultistepAncestral implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("res_multistep_ancestral", List.of(),
            "RES second-order multistep steps to sigma_down plus fresh noise of scale sigma_up (eta)",
            "Zhang, Tao & Chen 2023, RES multistep with ancestral noise (ComfyUI sample_res_multistep_ancestral)",
            Ancestral.OPTIONS, SamplerInfo.Capabilities.stochastic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return ResMultistep.run(model, x, sigmas, o.number("eta"), o.number("s_noise"), ctx);
    }
}
