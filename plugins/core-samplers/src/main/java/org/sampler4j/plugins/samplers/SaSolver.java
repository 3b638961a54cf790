package org.sampler4j.plugins.samplers;

import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/** SA-Solver, stochastic Adams predictor-corrector (PEC). Xue et al. 2023 (NeurIPS); ComfyUI {@code sample_sa_solver}, diffusers {@code SASolverScheduler}. */
@Extension
public final class SaSolver implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("sa_solver", java.util.List.of("SASolverScheduler"),
            "stochastic Adams multistep predictor-corrector (1 model call per step); eta = 0 gives the ODE solver",
            "Xue et al. 2023, SA-Solver (ComfyUI sample_sa_solver; diffusers SASolverScheduler with reference=diffusers)",
            SaSolverLoop.OPTIONS, SamplerInfo.Capabilities.stochastic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return SaSolverLoop.run(model, x, sigmas, o, ctx, false);
    }
}
