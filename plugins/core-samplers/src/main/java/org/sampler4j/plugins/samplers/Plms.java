package org.sampler4j.plugins.samplers;

import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Pseudo linear multistep, Liu et al. 2022 (PNDM), eqs. (11)-(13); diffusers {@code PNDMScheduler.step_prk/step_plms}.
 *
 * <p>PNDM's transfer {@code phi} is the DDIM step, i.e. in the VE frame an Euler step with the noise estimate
 * {@code d = (x - D)/sigma}. Each step combines the estimates at the start of the last four steps with the
 * Adams-Bashforth weights {@code (55, -59, 37, -9)/24} (lower orders while the history builds up). Warm-up:
 * {@code heun} (diffusers {@code skip_prk_steps=True}): the first step is a Heun step (two model calls);
 * {@code rk4}: the first three steps are classic Runge-Kutta steps (four calls each) whose midpoints are given in the
 * sigma list, {@code sigmas = s0, m0, s1, m1, s2, m2, s3, s4, ...} (PNDM's midpoint is half a step in timestep).
 */
@Extension
public final class Plms implements Sampler {
    static final String HEUN = "heun";
    static final String RK4 = "rk4";
    private static final int RK4_STEPS = 3;
    private static final double[][] ADAMS_BASHFORTH = {{1}, {-1 / 2.0, 3 / 2.0}, {5 / 12.0, -16 / 12.0, 23 / 12.0},
        {-9 / 24.0, 37 / 24.0, -59 / 24.0, 55 / 24.0}};

    private static final SamplerInfo INFO = new SamplerInfo("plms", List.of("pndm", "PNDMScheduler"),
            "pseudo linear multistep: 4th-order Adams-Bashforth on the noise estimate after a Heun or Runge-Kutta warm-up",
            "Liu et al. 2022, PNDM eqs. (11)-(13) (diffusers PNDMScheduler)",
            List.of(OptionSpec.choice("warmup", HEUN, List.of(HEUN, RK4),
                    "first step Heun (diffusers skip_prk_steps) or three Runge-Kutta steps with midpoints in the sigma list")),
            SamplerInfo.Capabilities.deterministic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        boolean rk4 = o.choice("warmup").equals(RK4);
        if (rk4 && sigmas.length < 2 * RK4_STEPS + 1) {
            throw new IllegalArgumentException("warmup=rk4 needs the midpoints of three steps: at least " + (2 * RK4_STEPS + 1) + " sigmas, got " + sigmas.length);
        }
        List<Latent> history = new ArrayList<>();
        int j = 0;
        for (int step = 0; j < sigmas.length - 1; step++) {
            double s = sigmas[j];
            Latent denoised = model.denoise(x, s);
            Latent d = Latents.toD(x, s, denoised);
            if (history.size() == 4) history.remove(0);
            history.add(d);
            if (rk4 && step < RK4_STEPS) {
                double h = sigmas[j + 2] - s;
                double half = sigmas[j + 1] - s;
                Latent x2 = Latents.sum(1, x, half, d);
                Latent d2 = Latents.toD(x2, sigmas[j + 1], model.denoise(x2, sigmas[j + 1]));
                Latent x3 = Latents.sum(1, x, half, d2);
                Latent d3 = Latents.toD(x3, sigmas[j + 1], model.denoise(x3, sigmas[j + 1]));
                Latent x4 = Latents.sum(1, x, h, d3);
                Latent d4 = Latents.toD(x4, sigmas[j + 2], model.denoise(x4, sigmas[j + 2]));
                x = Latents.sum(new double[] {1, h / 6, h / 3, h / 3, h / 6}, new Latent[] {x, d, d2, d3, d4});
                j += 2;
            } else if (!rk4 && step == 0 && sigmas.length > 2) {
                double h = sigmas[1] - s;
                Latent euler = Latents.sum(1, x, h, d);
                Latent d2 = Latents.toD(euler, sigmas[1], model.denoise(euler, sigmas[1]));
                x = Latents.sum(1, x, h / 2, d, h / 2, d2);
                j += 1;
            } else {
                double h = sigmas[j + 1] - s;
                double[] w = ADAMS_BASHFORTH[history.size() - 1];
                double[] coeffs = new double[history.size() + 1];
                Latent[] terms = new Latent[history.size() + 1];
                coeffs[0] = 1;
                terms[0] = x;
                for (int k = 0; k < history.size(); k++) {
                    coeffs[k + 1] = h * w[k];
                    terms[k + 1] = history.get(k);
                }
                x = Latents.sum(coeffs, terms);
                j += 1;
            }
            ctx.step(j - 1, sigmas, x, denoised);
        }
        return x;
    }
}
