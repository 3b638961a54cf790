package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/** DPM-Solver-2-like midpoint steps (Lu et al. 2022) with Karras et al. 2022 churn; k-diffusion {@code sample_dpm_2}. */
@Extension
public final class Dpm2 implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("dpm_2", List.of("k_dpm_2", "KDPM2DiscreteScheduler"),
            "second-order midpoint steps, midpoint at the geometric mean of the sigmas (Euler step on the last); deterministic unless s_churn > 0",
            "Lu et al. 2022 / Karras et al. 2022 (k-diffusion sample_dpm_2)", Churn.OPTIONS, SamplerInfo.Capabilities.deterministic(2));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        Dpm2Step run = new Dpm2Step(model);
        return Churn.loop(run.storage, run.xs, run.ds, x, sigmas, o, ctx, (xi, s, sigmaNext, denoised) -> run.step(xi, denoised, s, sigmaNext));
    }
}
