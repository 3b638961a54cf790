package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplerStorage;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * DPM-Solver++(3M) SDE, the third-order multistep SDE solver. Lu et al. 2022 (DPM-Solver++, 3M); k-diffusion {@code sample_dpmpp_3m_sde}.
 * {@code solver_type}: the second-order steps (heun = k-diffusion's). {@code reference=diffusers} with {@code eta > 0}
 * weights the second divided difference by {@code -(phi3 + 1)} as diffusers' sde-dpmsolver++ does, not {@code -phi3}.
 */
@Extension
public final class Dpmpp3mSde implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("dpmpp_3m_sde", List.of("dpm++_3m_sde", "dpm++3m_sde", "k_dpmpp_3m_sde"),
            "third-order multistep stochastic DPM-Solver++ (1 model call per step); orders 1 and 2 on the first steps",
            "Lu et al. 2022, DPM-Solver++(3M) SDE (k-diffusion sample_dpmpp_3m_sde)", MultistepOrder.sdeOptions(Dpmpp2mSde.HEUN, 3),
            SamplerInfo.Capabilities.stochastic(1));

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
        boolean draw = SdeNoise.draws(o, eta != 0);
        boolean heun = o.choice("solver_type").equals(Dpmpp2mSde.HEUN);
        double phi3Shift = SdeNoise.diffusers(o) && eta > 0 ? 1 : 0;
        Latent denoised1 = null; // the previous step's denoised estimate
        Latent denoised2 = null; // the one before
        double h1 = Double.NaN, h2 = Double.NaN;
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(3); // this step's denoised estimate and the two before
        LatentRing differences = storage.ring(2); // d0 and d1 of a third-order step
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
                double phi2 = ExpIntegrator.phi2(hEta);
                int order = MultistepOrder.at(i, sigmas, denoised2 != null ? 2 : denoised1 != null ? 1 : 0, o);
                if (order == 3) {
                    // d0 = (D - D1)/r0, d1 = (D1 - D2)/r1 (r = h_k/h): phi2 (d0 + (d0 - d1) r0/(r0 + r1)) - phi3 (d0 - d1)/(r0 + r1)
                    double r0 = h1 / h;
                    double r1 = h2 / h;
                    double phi3 = ExpIntegrator.phi3(hEta) + phi3Shift;
                    Latent d0 = differences.sum(1 / r0, denoised, -1 / r0, denoised1);
                    Latent d1 = differences.sum(1 / r1, denoised1, -1 / r1, denoised2);
                    double c0 = phi2 * (1 + r0 / (r0 + r1)) - phi3 / (r0 + r1);
                    double c1 = -phi2 * r0 / (r0 + r1) + phi3 / (r0 + r1);
                    x = xs.sum(decay, x, weight, denoised, c0, d0, c1, d1);
                } else if (order == 2) {
                    double correction = ExpIntegrator.secondOrderWeight(hEta, heun) * h / h1; // phi2 (D - D1) / r
                    x = xs.sum(decay, x, weight + correction, denoised, -correction, denoised1);
                } else {
                    x = xs.sum(decay, x, weight, denoised);
                }
                x = SdeNoise.add(x, draw, sNoise * ExpIntegrator.sdeNoiseStd(sigmaNext, h, eta), sigma, sigmaNext, ctx, xs);
                h2 = h1;
                h1 = h;
            }
            denoised2 = denoised1;
            denoised1 = denoised;
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
