package org.sampler4j.plugins.samplers;

import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/** SA-Solver in PECE mode (the model is re-evaluated on each corrected state). Xue et al. 2023; ComfyUI {@code sample_sa_solver_pece}. */
@Extension
public final class SaSolverPece implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("sa_solver_pece", java.util.List.of(),
            "SA-Solver predict-evaluate-correct-evaluate (2 model calls per step)",
            "Xue et al. 2023, SA-Solver PECE (ComfyUI sample_sa_solver_pece)", SaSolverLoop.OPTIONS, SamplerInfo.Capabilities.stochastic(2));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return SaSolverLoop.run(model, x, sigmas, o, ctx, true);
    }
}
