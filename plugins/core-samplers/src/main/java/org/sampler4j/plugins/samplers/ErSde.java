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

/** Extended reverse-time SDE solver, VP ER-SDE-Solver-3. Cui et al. 2023 (arXiv 2309.06169); ComfyUI {@code sample_er_sde}. */
@Extension
public final class ErSde implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("er_sde", List.of("er-sde"),
            "extended reverse-time SDE solver with stages 1-3 (1 model call per step)",
            "Cui et al. 2023, ER-SDE-Solver-3 (ComfyUI sample_er_sde)",
            List.of(OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise (0 = deterministic)"),
                    OptionSpec.integer("max_stage", 3, 1, 3, "highest stage (order) used")),
            SamplerInfo.Capabilities.stochastic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        double sNoise = o.number("s_noise");
        int maxStage = o.integer("max_stage");
        Latent old = null; // previous denoised
        Latent oldD = null; // previous first divided difference
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(2); // this step's and the previous step's denoised estimates
        LatentRing differences = storage.ring(2); // this step's and the previous step's first divided differences
        for (int i = 0; i < sigmas.length - 1; i++) {
            double s = sigmas[i]; // er_lambda = sigma / alpha = sigma in this frame
            double t = sigmas[i + 1];
            Latent denoised = storage.denoise(x, s, ds);
            int stage = Math.min(maxStage, i + 1);
            if (t == 0) {
                x = denoised;
            } else {
                double r = ErSdeIntegrals.scaler(t) / ErSdeIntegrals.scaler(s);
                x = xs.sum(r, x, 1 - r, denoised); // stage 1
                if (stage >= 2) {
                    double dt = t - s;
                    ErSdeIntegrals in = ErSdeIntegrals.of(s, t);
                    double dPrev = s - sigmas[i - 1];
                    double c2 = dt + in.stage2() * ErSdeIntegrals.scaler(t);
                    Latent d = differences.sum(1 / dPrev, denoised, -1 / dPrev, old); // first divided difference
                    x = xs.sum(1, x, c2, d);
                    if (stage >= 3) {
                        double half = (s - sigmas[i - 2]) / 2;
                        double c3 = (dt * dt / 2 + in.stage3() * ErSdeIntegrals.scaler(t)) / half; // times (d - d_old)
                        x = xs.sum(1, x, c3, d, -c3, oldD);
                    }
                    oldD = d;
                }
                if (sNoise > 0) {
                    double v = t * t - s * s * r * r;
                    double std = sNoise * (v > 0 ? Math.sqrt(v) : 0.0);
                    x = xs.sum(1, x, std, ctx.noise().noise(s, t, x));
                }
            }
            old = denoised;
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
