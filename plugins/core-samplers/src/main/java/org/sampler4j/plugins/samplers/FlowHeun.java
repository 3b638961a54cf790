package org.sampler4j.plugins.samplers;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Heun's method on a rectified flow in its own frame, Esser et al. 2024 / Karras et al. 2022 Algorithm 1; diffusers
 * {@code FlowMatchHeunDiscreteScheduler.step}. The flow-frame velocity {@code v = (x - D)/sigma} makes the update
 * the one of {@code heun} (trapezoidal rule, an Euler step to {@code sigma = 0}), so this runs {@link Heun} without
 * churn; it is exact on a linear flow.
 */
@Extension
public final class FlowHeun implements Sampler {
    private static final Heun HEUN = new Heun();
    private static final SamplerInfo INFO = new SamplerInfo("flow_heun", List.of("FlowMatchHeunDiscreteScheduler"),
            "Heun steps in the flow frame (two model calls per step, one on the last)",
            "Esser et al. 2024 / Karras et al. 2022, Algorithm 1 (diffusers FlowMatchHeunDiscreteScheduler.step)",
            List.of(), new SamplerInfo.Capabilities(false, 2, Set.of(SamplerInfo.ModelKind.FLOW), false));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return HEUN.sample(model, x, sigmas, HEUN.options(Map.of()), ctx);
    }
}
