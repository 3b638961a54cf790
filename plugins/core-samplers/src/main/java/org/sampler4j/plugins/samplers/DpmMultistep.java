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

/**
 * Multistep DPM-Solver in the noise-prediction form, orders 1-3, and its SDE variant (orders 1-2). Lu et al. 2022
 * (DPM-Solver, multistep form of DPM-Solver++ sec. 4/5); diffusers {@code DPMSolverMultistepScheduler},
 * {@code algorithm_type="dpmsolver"} / {@code "sde-dpmsolver"}. The data-prediction form is {@code dpmpp_2m},
 * {@code dpmpp_2m_sde} and {@code dpmpp_3m_sde}. A step to sigma 0 returns the denoised estimate.
 */
@Extension
public final class DpmMultistep implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("dpm_multistep", List.of("dpm_solver_multistep", "dpmsolver_multistep"),
            "multistep DPM-Solver on the noise prediction (1 model call per step), orders 1-3; sde=true adds noise (orders 1-2)",
            "Lu et al. 2022, multistep DPM-Solver (diffusers DPMSolverMultistepScheduler, algorithm_type dpmsolver / sde-dpmsolver)",
            options(), SamplerInfo.Capabilities.stochastic(1));

    private static List<OptionSpec> options() {
        List<OptionSpec> o = new ArrayList<>(MultistepOrder.options(3));
        o.add(1, Dpmpp2mSde.solverType(Dpmpp2mSde.MIDPOINT));
        o.add(2, OptionSpec.bool("sde", false, "the stochastic variant (sde-dpmsolver): twice the drift and fresh noise on every step; orders 1-2"));
        return o;
    }

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        boolean sde = o.bool("sde");
        boolean heun = o.choice("solver_type").equals(Dpmpp2mSde.HEUN);
        if (sde && o.integer("order") > 2) throw new IllegalArgumentException("dpm_multistep: sde=true has orders 1 and 2 only, got order " + o.integer("order"));
        Latent[] eps = new Latent[3]; // eps[0] now, eps[1] and eps[2] the two steps before
        double[] hs = new double[3];
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(1);
        LatentRing outputs = storage.ring(3); // eps: the newest overwrites the one that leaves it
        LatentRing differences = storage.ring(2); // the divided differences of a step (two for a third-order one)
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            eps[2] = eps[1];
            eps[1] = eps[0];
            eps[0] = DpmUpdate.output(false, x, sigma, denoised, outputs);
            int order = MultistepOrder.at(i, sigmas, Math.min(i, 2), o);
            if (sigmaNext == 0) {
                x = denoised;
            } else {
                hs[2] = hs[1];
                hs[1] = hs[0];
                hs[0] = ExpIntegrator.h(sigma, sigmaNext);
                DpmUpdate u = DpmUpdate.noise(hs[0], sigmaNext, sde, heun || order == 3); // 3rd order: phi2-type T1 weight
                if (order == 1) {
                    x = u.apply(xs, x, eps[0]);
                } else if (order == 2) {
                    double r0 = hs[1] / hs[0];
                    Latent d0 = differences.sum(1 / r0, eps[0], -1 / r0, eps[1]);
                    x = u.apply(xs, x, eps[0], d0);
                } else {
                    Latent[] t = DpmUpdate.multistepTerms(eps[0], eps[1], eps[2], hs[1] / hs[0], hs[2] / hs[0], differences);
                    x = u.apply(xs, x, eps[0], t[0], t[1]);
                }
                if (sde) {
                    Latent noise = ctx.noise().noise(sigma, sigmaNext, x);
                    x = xs.sum(1, x, DpmUpdate.noiseStd(false, sigmaNext, hs[0]), noise);
                }
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
