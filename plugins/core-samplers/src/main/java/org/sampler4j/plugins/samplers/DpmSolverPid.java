package org.sampler4j.plugins.samplers;

import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.OptionSpec;

/**
 * PID step-size controller of DPM-Solver's adaptive mode (k-diffusion {@code PIDStepSizeController}, a
 * Soederlind-style digital filter with an arctan limiter) and the scaled error norm of Lu et al. 2022's adaptive solver.
 */
final class DpmSolverPid {
    /** The controller's options, named as k-diffusion's {@code sample_dpm_adaptive} arguments. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.number("pcoeff", 0.0, null, null, "PID controller: proportional coefficient"),
            OptionSpec.number("icoeff", 1.0, null, null, "PID controller: integral coefficient"),
            OptionSpec.number("dcoeff", 0.0, null, null, "PID controller: derivative coefficient"),
            OptionSpec.number("accept_safety", 0.81, 0.0, null, "accept a step when the controller's factor is at least this"));
    private static final double EPS = 1e-8;
    private final double b1;
    private final double b2;
    private final double b3;
    private final double acceptSafety;
    private double[] invErrors; // current, previous, the one before
    /** The proposed step size in {@code t}. */
    double h;

    DpmSolverPid(double h, double pcoeff, double icoeff, double dcoeff, double order, double acceptSafety) {
        this.h = h;
        this.b1 = (pcoeff + icoeff + dcoeff) / order;
        this.b2 = -(pcoeff + 2 * dcoeff) / order;
        this.b3 = dcoeff / order;
        this.acceptSafety = acceptSafety;
    }

    /** Scales {@link #h} by the controller's factor for this error; returns whether the step is accepted. */
    boolean propose(double error) {
        double inv = 1 / (error + EPS);
        if (invErrors == null) invErrors = new double[] {inv, inv, inv};
        invErrors[0] = inv;
        double factor = Math.pow(invErrors[0], b1) * Math.pow(invErrors[1], b2) * Math.pow(invErrors[2], b3);
        factor = 1 + Math.atan(factor - 1);
        boolean accept = factor >= acceptSafety;
        if (accept) {
            invErrors[2] = invErrors[1];
            invErrors[1] = invErrors[0];
        }
        h *= factor;
        return accept;
    }

    /**
     * {@code ||(low - high) / max(atol, rtol max(|low|, |prev|))||_2 / sqrt(n)}: the embedded error estimate (a
     * reduction, so it reads the latents' values: in place for array latents, else from a copy).
     */
    static double error(Latent low, Latent high, Latent prev, double atol, double rtol) {
        IntToDoubleFunction l = values(low);
        IntToDoubleFunction hi = values(high);
        IntToDoubleFunction p = values(prev);
        int n = low.size();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double li = l.applyAsDouble(i);
            double delta = Math.max(atol, rtol * Math.max(Math.abs(li), Math.abs(p.applyAsDouble(i))));
            double r = (li - hi.applyAsDouble(i)) / delta;
            sum += r * r;
        }
        return Math.sqrt(sum) / Math.sqrt(n);
    }

    /** The elements of {@code x} as doubles, without copying an array latent. */
    private static IntToDoubleFunction values(Latent x) {
        if (x instanceof ArrayLatent a) return a::get;
        double[] v = x.toDoubleArray();
        return i -> v[i];
    }
}
