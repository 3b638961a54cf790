package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Stochastic exponential Heun in data prediction and log-SNR time: {@link Seeds2} with {@code r = 1}. Gonzalez et al.
 * 2023 (SEEDS); ComfyUI {@code sample_exp_heun_2_x0_sde}. As ComfyUI, the second noise draw of a step has weight 0.
 */
@Extension
public final class ExpHeun2X0Sde implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("exp_heun_2_x0_sde", List.of(),
            "stochastic exponential Heun (2 model calls, 2 noise draws per step)", "Gonzalez et al. 2023, SEEDS-2 with r = 1 (ComfyUI sample_exp_heun_2_x0_sde)",
            List.of(OptionSpec.number("eta", 1.0, 0.0, null, "stochasticity: 0 = the probability-flow ODE, 1 = the reverse SDE"),
                    OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise"), Seeds.solverType(Seeds.PHI_2)),
            SamplerInfo.Capabilities.stochastic(2));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return Seeds2.run(model, x, sigmas, o.number("eta"), o.number("s_noise"), 1.0, o.choice("solver_type"), ctx);
    }
}
