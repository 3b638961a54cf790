package org.sampler4j.plugins.samplers;

import java.util.ArrayList;
import java.util.Arrays;
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
 * Pseudo linear multistep, Liu et al. 2022 (PNDM), eqs. (11)-(13); diffusers {@code PNDMScheduler.step_prk/step_plms}.
 *
 * <p>PNDM's transfer {@code phi} is the DDIM step, i.e. in the VE frame an Euler step with the noise estimate
 * {@code d = (x - D)/sigma}. Each step combines the estimates at the start of the last four steps with the
 * Adams-Bashforth weights {@code (55, -59, 37, -9)/24} (lower orders while the history builds up;
 * {@code history=v}: diffusers' combination of v outputs, see {@link PndmHistory}). Warm-up: {@code heun} (diffusers
 * {@code skip_prk_steps=True}): the first step is a Heun step (two model calls); {@code rk4}: the first three steps
 * are classic Runge-Kutta steps (four calls each) whose midpoints are given in the sigma list,
 * {@code sigmas = s0, m0, s1, m1, s2, m2, s3, s4, ...} (PNDM's midpoint is half a step in timestep).
 *
 * <p>{@code paired} ({@link StepPairs}, {@code heun} only): one {@code (from, to)} pair per model call. The Heun
 * warm-up then takes two: the predictor runs along the first, the second call is at the end of the second (the
 * predicted sample carried there), and the corrector starts from the first call's sample carried to the start of the
 * second (diffusers: the repeated timestep {@code t1} and {@code t1 + N // n}).
 */
@Extension
public final class Plms implements Sampler {
    static final String HEUN = "heun";
    static final String RK4 = "rk4";
    private static final int RK4_STEPS = 3;
    private static final double[] RK4_WEIGHTS = {1 / 6.0, 1 / 3.0, 1 / 3.0, 1 / 6.0};

    private static final SamplerInfo INFO = new SamplerInfo("plms", List.of("pndm", "PNDMScheduler"),
            "pseudo linear multistep: 4th-order Adams-Bashforth on the noise estimate after a Heun or Runge-Kutta warm-up",
            "Liu et al. 2022, PNDM eqs. (11)-(13) (diffusers PNDMScheduler)",
            List.of(OptionSpec.choice("warmup", HEUN, List.of(HEUN, RK4),
                    "first step Heun (diffusers skip_prk_steps) or three Runge-Kutta steps with midpoints in the sigma list"),
                    OptionSpec.choice("history", "noise", List.of("noise", "v"),
                            "combine the noise estimates, or the v outputs (diffusers PNDMScheduler with v_prediction)"),
                    StepPairs.OPTION),
            SamplerInfo.Capabilities.deterministic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        boolean rk4 = o.choice("warmup").equals(RK4);
        boolean paired = o.bool("paired");
        PndmHistory kind = PndmHistory.of(o.choice("history"));
        if (rk4 && paired) throw new IllegalArgumentException("paired sigmas need warmup=heun");
        if (rk4 && sigmas.length < 2 * RK4_STEPS + 1) {
            throw new IllegalArgumentException("warmup=rk4 needs the midpoints of three steps: at least " + (2 * RK4_STEPS + 1) + " sigmas, got " + sigmas.length);
        }
        int warm = rk4 ? 2 * RK4_STEPS : 0;
        List<Latent> history = new ArrayList<>(); // newest first
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing points = storage.ring(2); // a warm-up point the model is called at, and the point it is relabelled from
        LatentRing ds = storage.ring(1); // the estimate at a step's start (reported after the step)
        LatentRing pointDs = storage.ring(1); // the estimate at a warm-up point, used at once
        LatentRing values = storage.ring(4); // the history: the newest overwrites the one that leaves it
        LatentRing stageValues = storage.ring(3); // a warm-up step's values at its points
        for (int j = 0; j < warm; j += 2) {
            double s = sigmas[j];
            double mid = sigmas[j + 1];
            double next = sigmas[j + 2];
            Latent denoised = storage.denoise(x, s, ds);
            Latent v1 = kind.value(x, s, denoised, values);
            Latent x2 = kind.step(x, s, mid, new double[] {1}, List.of(v1), points);
            Latent v2 = kind.value(x2, mid, storage.denoise(x2, mid, pointDs), stageValues);
            Latent x3 = kind.step(x, s, mid, new double[] {1}, List.of(v2), points);
            Latent v3 = kind.value(x3, mid, storage.denoise(x3, mid, pointDs), stageValues);
            Latent x4 = kind.step(x, s, next, new double[] {1}, List.of(v3), points);
            Latent v4 = kind.value(x4, next, storage.denoise(x4, next, pointDs), stageValues);
            x = kind.step(x, s, next, RK4_WEIGHTS, List.of(v1, v2, v3, v4), xs);
            history.add(0, v1);
            ctx.step(j + 1, sigmas, x, denoised);
        }
        StepPairs steps = StepPairs.of(Arrays.copyOfRange(sigmas, warm, sigmas.length), paired);
        int k = 0;
        if (!rk4 && steps.size() > 1) {
            int c = paired ? 1 : 0; // the corrector's step
            Latent denoised = storage.denoise(x, steps.from(0), ds);
            Latent v1 = kind.value(x, steps.from(0), denoised, values);
            Latent predicted = kind.step(x, steps.from(0), steps.to(0), new double[] {1}, List.of(v1), points);
            Latent euler = StepPairs.relabel(predicted, steps.to(0), steps.to(c), points);
            Latent v2 = kind.value(euler, steps.to(c), storage.denoise(euler, steps.to(c), pointDs), stageValues);
            Latent correctorStart = StepPairs.relabel(x, steps.from(0), steps.from(c), xs);
            x = kind.step(correctorStart, steps.from(c), steps.to(c), new double[] {0.5, 0.5}, List.of(v1, v2), xs);
            history.add(v1);
            steps.report(ctx, c, x, denoised);
            k = c + 1;
        }
        for (; k < steps.size(); k++) {
            x = steps.carry(x, k, xs);
            Latent denoised = storage.denoise(x, steps.from(k), ds);
            history.add(0, kind.value(x, steps.from(k), denoised, values));
            if (history.size() > 4) history.remove(4);
            x = kind.step(x, steps.from(k), steps.to(k), AdamsBashforth.fixedStep(null, 0, history.size()), history, xs);
            if (warm > 0) ctx.step(warm + k, sigmas, x, denoised);
            else steps.report(ctx, k, x, denoised);
        }
        return x;
    }
}
