package org.sampler4j.api.schedule;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The time shift of rectified-flow schedules (SD3, FLUX, LTX-Video), as a remap of unshifted flow sigmas
 * {@code t/N}: either the static shift {@code s*sigma / (1 + (s-1)*sigma)} or, when {@code mu} is given, the
 * resolution-dependent shift {@code e^mu / (e^mu + (1/sigma - 1))} (exponential) or {@code mu / (mu + (1/sigma - 1))}
 * (linear); then, when {@code terminal} is given, the sigmas are stretched so that the last one equals it
 * ({@code 1 - (1 - sigma) / ((1 - sigma_last) / (1 - terminal))}). Evaluated in float64 (diffusers'
 * {@code FlowMatchEulerDiscreteScheduler.set_timesteps} steps 2 and 3: {@code time_shift}, {@code stretch_shift_to_terminal}).
 *
 * <p>Use it on a base of unshifted sigmas, e.g. {@code sigmas(...)} or a flow model with shift 1: the spaced base of a
 * flow model with another shift is already shifted once.
 *
 * @param shift static shift (used when {@code mu} is {@code null}), default 1
 * @param mu dynamic-shift parameter ({@code calculate_shift}), or {@code null} for the static shift
 * @param timeShift how {@code mu} is applied
 * @param terminal the sigma the stretched schedule ends at, in (0, 1), or {@code null}
 */
public record FlowShift(double shift, Double mu, FlowNoiseModel.TimeShift timeShift, Double terminal) implements SigmaRemap {
    /** DSL name. */
    public static final String NAME = "flowShift";

    /**
     * Checks the shift (positive, finite), {@code mu} (finite) and the terminal (in {@code (0, 1)}).
     *
     * @param shift positive and finite
     * @param mu finite, or {@code null} for a static shift
     * @param timeShift not null
     * @param terminal in {@code (0, 1)}, or {@code null}
     */
    public FlowShift {
        Objects.requireNonNull(timeShift, "timeShift");
        if (!(shift > 0) || !Double.isFinite(shift)) throw new ScheduleException("flowShift shift must be a positive number, got " + shift);
        if (mu != null && !Double.isFinite(mu)) throw new ScheduleException("flowShift mu must be a finite number, got " + mu);
        if (terminal != null && !(terminal > 0 && terminal < 1)) {
            throw new ScheduleException("flowShift terminal must lie in (0, 1), got " + terminal + "; leave it out to keep the schedule's own end");
        }
    }

    /**
     * {@return the static shift {@code s}}
     *
     * @param shift the shift factor, positive (1: no shift)
     */
    public static FlowShift ofShift(double shift) {
        return new FlowShift(shift, null, FlowNoiseModel.TimeShift.EXPONENTIAL, null);
    }

    /**
     * {@return the dynamic shift with {@code mu}}
     *
     * @param mu the shift exponent (e.g. from {@link FlowNoiseModel#calculateShift(int)})
     * @param type how {@code mu} shifts a sigma: exponential or linear
     */
    public static FlowShift ofMu(double mu, FlowNoiseModel.TimeShift type) {
        return new FlowShift(1.0, mu, type, null);
    }

    /**
     * {@return this shift, then stretched to end at {@code terminal} ({@code null}: no stretch)}
     *
     * @param terminal the last shifted sigma wanted, in {@code (0, 1)}, or {@code null}
     */
    public FlowShift withTerminal(Double terminal) {
        return new FlowShift(shift, mu, timeShift, terminal);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> nonDefaultParams() {
        return Remaps.params("shift", mu == null && shift != 1.0 ? shift : null, "mu", mu,
                "time_shift", mu != null && timeShift != FlowNoiseModel.TimeShift.EXPONENTIAL ? timeShift.name().toLowerCase(Locale.ROOT) : null,
                "terminal", terminal);
    }

    /**
     * {@return the shift (static or dynamic, without the terminal stretch) of one sigma}
     *
     * @param sigma a flow sigma in {@code [0, 1]}
     */
    public double shiftOne(double sigma) {
        if (mu == null) return FlowNoiseModel.shiftSigma(shift, sigma);
        double x = 1 / sigma - 1;
        if (timeShift == FlowNoiseModel.TimeShift.EXPONENTIAL) {
            double e = Math.exp(mu);
            return e / (e + x);
        }
        return mu / (mu + x);
    }

    /**
     * Shifts every sigma, then applies the terminal stretch; works on any array (also empty or non-decreasing).
     *
     * @param sigmas flow sigmas in {@code [0, 1]} (not changed)
     * @return a new array of the shifted sigmas
     */
    public double[] shiftAll(double[] sigmas) {
        double[] out = new double[sigmas.length];
        for (int i = 0; i < out.length; i++) out[i] = shiftOne(sigmas[i]);
        if (terminal != null && out.length > 0) {
            double scale = (1 - out[out.length - 1]) / (1 - terminal);
            for (int i = 0; i < out.length; i++) out[i] = 1 - (1 - out[i]) / scale;
        }
        return out;
    }

    @Override
    public double[] apply(RemapContext ctx) {
        return shiftAll(ctx.baseSigmas());
    }
}
