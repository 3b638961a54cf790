package org.sampler4j.api.schedule;

import java.util.Map;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.schedule.SigmaRemap.RemapContext;

/**
 * Sigmas evenly spaced in log-sigma, i.e. in log-SNR: the "logSNR" time steps of Lu et al. 2022 (DPM-Solver),
 * {@code exp(lmax + ramp (lmin - lmax))} with {@code ramp = linspace(0, 1, n)} (diffusers
 * {@code DPMSolverMultistepScheduler._convert_to_lu}, {@code use_lu_lambdas}). The endpoint logs are rounded to
 * float32, because diffusers reads them from its float32 log-sigma table; this is what sets it apart from
 * {@link Remaps.Exponential}. DSL name {@code lu}.
 *
 * @param sigmaMin smallest sigma, or {@code null} for the last base sigma
 * @param sigmaMax largest sigma, or {@code null} for the first base sigma
 */
public record LuLambdas(Double sigmaMin, Double sigmaMax) implements SigmaRemap {
    @Override public String name() { return "lu"; }

    @Override
    public Map<String, Object> nonDefaultParams() {
        return Remaps.params("sigma_min", sigmaMin, "sigma_max", sigmaMax);
    }

    @Override
    public double[] apply(RemapContext c) {
        double lmin = (float) Math.log(Remaps.lo(sigmaMin, c));
        double lmax = (float) Math.log(Remaps.hi(sigmaMax, c));
        double[] ramp = Numerics.numpyLinspace(0, 1, c.steps());
        double[] out = new double[ramp.length];
        for (int i = 0; i < out.length; i++) out[i] = Math.exp(lmax + ramp[i] * (lmin - lmax));
        return out;
    }
}
