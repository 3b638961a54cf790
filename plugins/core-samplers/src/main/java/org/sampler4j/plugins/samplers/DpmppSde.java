package org.sampler4j.plugins.samplers;

import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplerStorage;
import org.sampler4j.api.sampler.SamplingContext;

/** Stochastic DPM-Solver++ (two ancestral first-order stages per step). Lu et al. 2022 (DPM-Solver++); k-diffusion {@code sample_dpmpp_sde}. */
@Extension
public final class DpmppSde implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("dpmpp_sde", List.of("dpm++_sde", "dpm++sde", "k_dpmpp_sde", "DPMSolverSDEScheduler"),
            "second-order stochastic DPM-Solver++ (2 model calls per step, noise at the intermediate point and the step end)",
            "Lu et al. 2022, DPM-Solver++ with SDE noise (k-diffusion sample_dpmpp_sde)", options(), SamplerInfo.Capabilities.stochastic(2));

    private static List<OptionSpec> options() {
        List<OptionSpec> o = new ArrayList<>(SdeNoise.options());
        o.add(2, OptionSpec.number("r", 0.5, 1e-3, 1.0, "position of the intermediate point as a fraction of the step in log sigma"));
        return o;
    }

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public String referenceNoise(SamplerOptions o) {
        return SdeNoise.referenceNoise(o);
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        double eta = o.number("eta");
        double sNoise = o.number("s_noise");
        double r = o.number("r");
        double fac = 1 / (2 * r);
        boolean draw = SdeNoise.draws(o, true);
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing mids = storage.ring(2); // the midpoint and the noised midpoint
        LatentRing ds = storage.ring(2); // the estimates at the start (reported after the step) and the midpoint
        LatentRing blends = storage.ring(1);
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            if (sigmaNext == 0) {
                x = denoised;
            } else {
                double h = ExpIntegrator.h(sigma, sigmaNext);
                double sigmaMid = ExpIntegrator.sigma(ExpIntegrator.lambda(sigma) + r * h);
                AncestralStep toMid = AncestralStep.of(sigma, sigmaMid, eta);
                Latent xMid = ExpIntegrator.firstOrder(x, sigma, toMid.down(), denoised, mids);
                xMid = SdeNoise.add(xMid, draw, sNoise * toMid.up(), sigma, sigmaMid, ctx, mids);
                Latent denoisedMid = storage.denoise(xMid, sigmaMid, ds);
                AncestralStep toNext = AncestralStep.of(sigma, sigmaNext, eta);
                Latent blended = blends.sum(1 - fac, denoised, fac, denoisedMid);
                x = ExpIntegrator.firstOrder(x, sigma, toNext.down(), blended, xs);
                x = SdeNoise.add(x, draw, sNoise * toNext.up(), sigma, sigmaNext, ctx, xs);
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
