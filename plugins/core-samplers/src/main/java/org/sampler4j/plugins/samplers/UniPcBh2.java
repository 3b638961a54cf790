package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/** {@link UniPc} with {@code variant=bh2} by default (a preset, same options). Zhao et al. 2023 (UniPC); ComfyUI {@code sample_unipc_bh2}. */
@Extension
public final class UniPcBh2 implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("uni_pc_bh2", List.of("unipc_bh2"),
            "UniPC with B(h) = e^h - 1 (uni_pc with variant=bh2)", "Zhao et al. 2023, UniPC B2(h) (ComfyUI sample_unipc_bh2)",
            UniPc.options(UniPcCoefficients.BH2), SamplerInfo.Capabilities.deterministic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return UniPc.run(model, x, sigmas, o, ctx);
    }
}
