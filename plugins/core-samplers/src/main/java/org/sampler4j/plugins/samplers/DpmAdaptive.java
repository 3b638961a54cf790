package org.sampler4j.plugins.samplers;

import static org.sampler4j.plugins.samplers.DpmSolverTime.sigma;

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
import org.sampler4j.api.sampler.StepListener;

/**
 * DPM-Solver-12/23 with adaptive step size (Lu et al. 2022, DPM-Solver); k-diffusion {@code sample_dpm_adaptive}.
 *
 * <p>Only {@code sigma_max = sigmas[0]} and {@code sigma_min} (the last non-zero sigma) of the schedule are used
 * (ComfyUI's wrapper); the step count follows from the error tolerances. Each attempt costs {@code order} model calls;
 * a rejected attempt is redone from scratch. Noise is drawn on every accepted step (multiplied by 0 when
 * {@code eta = 0}), as both references do. Listeners see accepted steps; {@code steps} is an estimate.
 */
@Extension
public final class DpmAdaptive implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("dpm_adaptive", List.of("k_dpm_adaptive"),
            "DPM-Solver-23 (or 12) with PID step-size control from sigma_max to sigma_min (the last non-zero sigma)",
            "Lu et al. 2022 (k-diffusion sample_dpm_adaptive)", options(), SamplerInfo.Capabilities.stochastic(3));

    private static List<OptionSpec> options() {
        List<OptionSpec> o = new ArrayList<>(List.of(
                OptionSpec.integer("order", 3, 2, 3, "solver order: 3 (DPM-Solver-23) or 2 (DPM-Solver-12)"),
                OptionSpec.number("rtol", 0.05, 0.0, null, "relative error tolerance"),
                OptionSpec.number("atol", 0.0078, 0.0, null, "absolute error tolerance"),
                OptionSpec.number("h_init", 0.05, null, null, "initial step size in t = -ln sigma")));
        o.addAll(DpmSolverPid.OPTIONS);
        o.addAll(DpmSolverTime.OPTIONS);
        return o;
    }

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        if (sigmas.length <= 1) return x;
        int order = o.integer("order");
        double eta = o.number("eta");
        double sNoise = o.number("s_noise");
        double[] range = DpmSolverTime.range(sigmas);
        double tStart = DpmSolverTime.t(range[1]);
        double tEnd = DpmSolverTime.t(range[0]);
        boolean forward = tEnd > tStart;
        if (!forward && eta != 0) throw new IllegalArgumentException("eta must be 0 unless sigma_min < sigma_max");
        double hInit = Math.abs(o.number("h_init")) * (forward ? 1 : -1);
        if (hInit == 0 || !(o.number("atol") > 0)) throw new IllegalArgumentException("dpm_adaptive needs h_init != 0 and atol > 0");
        DpmSolverPid pid = new DpmSolverPid(hInit, o.number("pcoeff"), o.number("icoeff"), o.number("dcoeff"),
                eta != 0 ? 1.5 : order, o.number("accept_safety"));
        double s = tStart;
        Latent xPrev = x;
        SamplerStorage storage = new SamplerStorage(model);
        DpmSolverStep step = new DpmSolverStep(storage);
        // xPrev (the last accepted low-order result) outlives rejected attempts: accepted step k's attempts write into lows[k % 2]
        LatentRing[] lows = {storage.ring(1), storage.ring(1)};
        LatentRing highs = storage.ring(1);
        LatentRing xs = storage.ring(1); // x, written once per accepted step from high and the noise
        for (int accepted = 0; forward ? s < tEnd - 1e-5 : s > tEnd + 1e-5; ) {
            if (!Double.isFinite(pid.h) || pid.h == 0) throw new IllegalStateException("dpm_adaptive: step size became " + pid.h);
            double t = forward ? Math.min(tEnd, s + pid.h) : Math.max(tEnd, s + pid.h);
            double[] downUp = DpmSolverTime.ancestral(s, t, eta, tEnd);
            step.start(x, s, downUp[0]);
            LatentRing lowRing = lows[accepted % 2];
            Latent low = order == 2 ? step.first(lowRing) : step.second(1.0 / 3, lowRing);
            Latent high = order == 2 ? step.second(0.5, highs) : step.third(highs);
            if (!pid.propose(DpmSolverPid.error(low, high, xPrev, o.number("atol"), o.number("rtol")))) continue;
            xPrev = low;
            Latent noise = ctx.noise().noise(sigma(s), sigma(t), x);
            x = xs.sum(1, high, downUp[1] * sNoise, noise);
            int remaining = (int) Math.ceil(Math.abs(tEnd - t) / Math.abs(pid.h)); // a progress estimate
            ctx.listener().onStep(new StepListener.Step(accepted, accepted + 1 + remaining, sigma(s), sigma(t), x, step.denoised));
            accepted++;
            s = t;
        }
        return x;
    }
}
