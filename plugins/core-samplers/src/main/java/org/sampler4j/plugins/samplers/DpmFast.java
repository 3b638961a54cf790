package org.sampler4j.plugins.samplers;

import static org.sampler4j.plugins.samplers.DpmSolverTime.sigma;

import java.util.Arrays;
import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplerStorage;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * DPM-Solver-fast, fixed steps in log-SNR time (Lu et al. 2022, DPM-Solver); k-diffusion {@code sample_dpm_fast}.
 *
 * <p>Of the schedule only {@code sigma_max = sigmas[0]}, {@code sigma_min} (the last non-zero sigma) and the step count
 * {@code n} are used (ComfyUI's wrapper): {@code n} model calls in steps of order 3 (the last ones 2, 1), evenly
 * spaced in {@code t = -ln sigma}, ending at {@code sigma_min} (not 0). Both references draw noise on every step and
 * multiply it by 0 when {@code eta = 0}; so does this port.
 */
@Extension
public final class DpmFast implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("dpm_fast", List.of("k_dpm_fast"),
            "DPM-Solver-fast: steps-many model calls in order-3 steps from sigma_max to sigma_min (the last non-zero sigma)",
            "Lu et al. 2022 (k-diffusion sample_dpm_fast)", DpmSolverTime.OPTIONS, SamplerInfo.Capabilities.stochastic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        if (sigmas.length <= 1) return x;
        double eta = o.number("eta");
        double sNoise = o.number("s_noise");
        double[] range = DpmSolverTime.range(sigmas);
        double tStart = DpmSolverTime.t(range[1]);
        double tEnd = DpmSolverTime.t(range[0]);
        if (!(tEnd > tStart) && eta != 0) throw new IllegalArgumentException("eta must be 0 unless sigma_min < sigma_max");
        int nfe = sigmas.length - 1;
        int[] orders = orders(nfe);
        double[] ts = Numerics.torchLinspaceF64(tStart, tEnd, orders.length + 1);
        double[] stepSigmas = new double[ts.length];
        for (int i = 0; i < ts.length; i++) stepSigmas[i] = sigma(ts[i]);
        SamplerStorage storage = new SamplerStorage(model);
        DpmSolverStep step = new DpmSolverStep(storage);
        LatentRing xs = storage.ring(2); // the step's result and the noised x
        for (int i = 0; i < orders.length; i++) {
            int order = orders[i];
            double[] downUp = DpmSolverTime.ancestral(ts[i], ts[i + 1], eta, tEnd);
            step.start(x, ts[i], downUp[0]);
            x = order == 1 ? step.first(xs) : order == 2 ? step.second(0.5, xs) : step.third(xs);
            Latent noise = ctx.noise().noise(stepSigmas[i], stepSigmas[i + 1], x);
            x = xs.sum(1, x, downUp[1] * sNoise, noise);
            ctx.step(i, stepSigmas, x, step.denoised);
        }
        return x;
    }

    /** Step orders spending exactly {@code nfe} model calls: 3, ..., 3 then {@code nfe % 3}, or 3, ..., 3, 2, 1. */
    static int[] orders(int nfe) {
        int m = nfe / 3 + 1;
        int[] orders = new int[m];
        Arrays.fill(orders, 3);
        if (nfe % 3 == 0) {
            orders[m - 2] = 2;
            orders[m - 1] = 1;
        } else {
            orders[m - 1] = nfe % 3;
        }
        return orders;
    }
}
