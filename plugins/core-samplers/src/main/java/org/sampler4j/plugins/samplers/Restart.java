package org.sampler4j.plugins.samplers;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 * Restart sampling, Heun ODE steps plus restart intervals. Xu et al. 2023, Algorithm 1; A1111 {@code restart_sampler}.
 *
 * <p>After the main step that ends at the sigma {@code s_min} nearest an interval's {@code t_min}
 * ({@link RestartIntervals}), K times: add noise {@code s_noise sqrt(t_max^2 - s_min^2) z} (back up to t_max, used as
 * given where A1111 snaps it to the schedule), then {@code restart_steps} Heun steps (Karras spacing) down to s_min.
 * Model calls: {@code 2n - z + 2 restart_steps sum K} for n main steps, z of them ending at sigma 0 (one Euler call);
 * noise draws: {@code sum K}, meant i.i.d. as in the references (a Brownian tree would repeat one increment per
 * interval). The step listener sees all {@code n + restart_steps sum K} steps, numbered in order.
 */
@Extension
public final class Restart implements Sampler {
    private static final SamplerOptions ODE = SamplerOptions.defaults(new Heun().info().options());
    private static final SamplerInfo INFO = new SamplerInfo("restart", List.of("restart_sampler"),
            "Heun ODE steps with restart intervals: noise back up to t_max, ODE back down, K times",
            "Xu et al. 2023, Restart sampling, Algorithm 1 (A1111 restart_sampler)", List.of(
                    OptionSpec.string("restarts", "0.1:1:2", "restart intervals t_min:K:t_max separated by ';' (e.g. 0.1:2:2;1:1:5),"
                            + " empty for none; default as A1111 for 20-35 steps"),
                    OptionSpec.integer("restart_steps", 9, 1, null, "Heun steps per restart pass, t_max down to t_min"),
                    OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the restart noise")),
            SamplerInfo.Capabilities.stochastic(2));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public SamplerOptions options(Map<String, ?> given) {
        SamplerOptions o = Sampler.super.options(given);
        RestartIntervals.parse(o.string("restarts"));
        return o;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        int n = sigmas.length - 1;
        int steps = o.integer("restart_steps");
        List<List<RestartIntervals.Interval>> after = RestartIntervals.byAttachIndex(RestartIntervals.parse(o.string("restarts")), sigmas);
        int total = n + steps * after.stream().flatMap(List::stream).mapToInt(RestartIntervals.Interval::k).sum();
        int done = 0;
        int start = 0;
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(3); // Heun's x, Euler step and start; the restart noise is added to x in it
        LatentRing ds = storage.ring(2); // Heun's estimates at both ends of a step
        for (int end = 1; end <= n; end++) {
            if (end < n && after.get(end).isEmpty()) continue;
            x = ode(storage, xs, ds, x, Arrays.copyOfRange(sigmas, start, end + 1), ctx, done, total);
            done += end - start;
            start = end;
            for (RestartIntervals.Interval r : after.get(end)) {
                double[] pass = RestartIntervals.passSigmas(sigmas[end], r.tMax(), steps);
                double up = o.number("s_noise") * Math.sqrt(r.tMax() * r.tMax() - sigmas[end] * sigmas[end]);
                for (int k = 0; k < r.k(); k++, done += steps) {
                    Latent noise = ctx.noise().noise(sigmas[end], r.tMax(), x);
                    x = xs.sum(1, x, up, noise);
                    x = ode(storage, xs, ds, x, pass, ctx, done, total);
                }
            }
        }
        return x;
    }

    /**
     * Heun (no churn) along {@code sigmas} in the run's storage, its steps reported to the listener as steps
     * {@code offset...} of {@code total}.
     */
    private static Latent ode(SamplerStorage storage, LatentRing xs, LatentRing ds, Latent x, double[] sigmas, SamplingContext ctx, int offset, int total) {
        StepListener shifted = s -> ctx.listener().onStep(new StepListener.Step(offset + s.index(), total, s.sigma(), s.sigmaNext(), s.x(), s.denoised()));
        return Heun.run(storage, xs, ds, x, sigmas, ODE, new SamplingContext(ctx.noise(), shifted));
    }
}
