package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/** Exponential Heun in data prediction and log-SNR time: {@link Seeds2} with {@code r = 1}, {@code eta = 0}. Gonzalez et al. 2023 (SEEDS); ComfyUI {@code sample_exp_heun_2_x0}. */
@Extension
public final class ExpHeun2X0 implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("exp_heun_2_x0", List.of(),
            "deterministic exponential Heun (2 model calls per step)", "Gonzalez et al. 2023, SEEDS-2 with r = 1, eta = 0 (ComfyUI sample_exp_heun_2_x0)",
            List.of(Seeds.solverType(Seeds.PHI_2)), SamplerInfo.Capabilities.deterministic(2));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return Seeds2.run(model, x, sigmas, 0.0, 0.0, 1.0, o.choice("solver_type"), ctx);
    }
}
