package org.sampler4j.plugins.samplers;

import java.util.List;
import java.util.stream.Stream;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Adams-Bashforth with constant-step coefficients on any sigma grid. Zhang &amp; Chen 2023, iPNDM (DEIS, appendix);
 * ComfyUI {@code sample_ipndm} ({@code reference=comfyui}: {@code x = denoised} on the step to sigma 0) and diffusers
 * {@code IPNDMScheduler.step} ({@code reference=diffusers}: the multistep update down to sigma 0). See {@link AdamsBashforth}.
 */
@Extension
public final class Ipndm implements Sampler {
    private static final List<OptionSpec> OPTIONS = Stream.concat(AdamsBashforth.OPTIONS.stream(),
            Stream.of(OptionSpec.choice("reference", Churn.COMFYUI, List.of(Churn.COMFYUI, Churn.DIFFUSERS),
                    "last step to sigma 0: the denoised estimate (comfyui) or the multistep update (diffusers)"))).toList();

    private static final SamplerInfo INFO = new SamplerInfo("ipndm", List.of("IPNDMScheduler"),
            "Adams-Bashforth steps with the constant-step coefficients (up to 4th order, 1 model call per step)",
            "Zhang & Chen 2023, iPNDM (DEIS appendix) (ComfyUI sample_ipndm, diffusers IPNDMScheduler)", OPTIONS,
            SamplerInfo.Capabilities.deterministic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        boolean comfy = o.choice("reference").equals(Churn.COMFYUI);
        return AdamsBashforth.sample(model, x, sigmas, o.integer("max_order"), AdamsBashforth::fixedStep, comfy, ctx);
    }
}
