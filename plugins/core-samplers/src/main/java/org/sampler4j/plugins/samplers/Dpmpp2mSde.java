package org.sampler4j.plugins.samplers;

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

/** DPM-Solver++(2M) SDE, the second-order multistep SDE solver. Lu et al. 2022 (DPM-Solver++, SDE variant); k-diffusion {@code sample_dpmpp_2m_sde}. */
@Extension
public final class Dpmpp2mSde implements Sampler {
    static final String MIDPOINT = "midpoint";
    static final String HEUN = "heun";
    private static final SamplerInfo INFO = new SamplerInfo("dpmpp_2m_sde", List.of("dpm++_2m_sde", "dpm++2m_sde", "k_dpmpp_2m_sde"),
            "second-order multistep stochastic DPM-Solver++ (1 model call per step); solver_type=heun is ComfyUI's dpmpp_2m_sde_heun",
            "Lu et al. 2022, DPM-Solver++(2M) SDE (k-diffusion sample_dpmpp_2m_sde)", MultistepOrder.sdeOptions(MIDPOINT, 2), SamplerInfo.Capabilities.stochastic(1));

    /** The {@code solver_type} option with its default. */
    static OptionSpec solverType(String def) {
        return OptionSpec.choice("solver_type", def, List.of(MIDPOINT, HEUN), "second-order correction: midpoint or heun (exponential-integrator phi_2)");
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
        boolean heun = o.choice("solver_type").equals(HEUN);
        boolean draw = SdeNoise.draws(o, eta != 0);
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(2); // this step's and the previous step's denoised estimates
        Latent oldDenoised = null;
        double hLast = Double.NaN;
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            if (sigmaNext == 0) {
                x = SdeNoise.toZero(denoised, draw, sigma, o, ctx);
            } else {
                double h = ExpIntegrator.h(sigma, sigmaNext);
                double hEta = h * (eta + 1);
                double decay = sigmaNext / sigma * Math.exp(-h * eta);
                double weight = ExpIntegrator.phi1(hEta);
                if (MultistepOrder.at(i, sigmas, oldDenoised == null ? 0 : 1, o) == 1) {
                    x = xs.sum(decay, x, weight, denoised);
                } else {
                    double correction = ExpIntegrator.secondOrderWeight(hEta, heun) * h / hLast; // times (D - D_old) / r
                    x = xs.sum(decay, x, weight + correction, denoised, -correction, oldDenoised);
                }
                x = SdeNoise.add(x, draw, sNoise * ExpIntegrator.sdeNoiseStd(sigmaNext, h, eta), sigma, sigmaNext, ctx, xs);
                hLast = h;
            }
            oldDenoised = denoised;
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
