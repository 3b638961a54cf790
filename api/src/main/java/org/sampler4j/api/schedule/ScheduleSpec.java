package org.sampler4j.api.schedule;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable description of a noise schedule, built fluently ({@code Schedule.trailing(10).karras().zeroSnr()})
 * or parsed from DSL text ({@link Schedule#parse}). Every method returns a new spec; the call order does not
 * matter, because {@link #resolve} applies the settings in one fixed stage order:
 *
 * <ol>
 *   <li><b>noise model</b>: {@link #zeroSnr()} rescales a discrete model to zero terminal SNR; {@link #shift(double)}
 *       sets a flow model's shift;</li>
 *   <li><b>step count</b>: {@link #denoise(double)} (ComfyUI-style) widens the step count to {@code int(n / d)};</li>
 *   <li><b>base</b>: the timesteps, from a spacing ({@code leading}/{@code linspace}/{@code trailing} plus
 *       {@link #stepsOffset(int)}), explicit {@code timesteps(...)}, explicit {@code sigmas(...)}, or a preset; their
 *       sigmas come from the noise model;</li>
 *   <li><b>remap</b>: {@link #karras()}, {@link #exponential()}, {@link #beta(double, double)}, ... replace the sigmas,
 *       using the base's first and last sigma as endpoints, and timesteps are mapped back from the new sigmas;</li>
 *   <li><b>final sigma</b>: {@link #finalSigma(FinalSigma)} appends 0 (default) or the model's smallest sigma;</li>
 *   <li><b>cut</b>: {@link #denoise(double)} keeps the last {@code n+1} sigmas; {@link #truncate(double)} keeps the
 *       last {@code int(n * strength)} steps (diffusers img2img).</li>
 * </ol>
 */
public final class ScheduleSpec {
    /** Where the timesteps/sigmas of stage 3 come from. */
    public sealed interface Base permits Spaced, Timesteps, Sigmas, Preset {}

    /**
     * {@code steps} timesteps spaced by {@code spacing}.
     *
     * @param spacing how the timesteps are spread over the training range
     * @param steps the number of steps, at least 1
     */
    public record Spaced(Spacing spacing, int steps) implements Base {
        /**
         * Checks that the spacing is given and the step count is at least 1.
         *
         * @param spacing not null
         * @param steps at least 1
         */
        public Spaced {
            Objects.requireNonNull(spacing);
            if (steps < 1) throw new ScheduleException("steps must be >= 1, got " + steps);
        }
    }

    /**
     * Explicit timesteps, strictly decreasing.
     *
     * @param values the timesteps in model time units (0 to {@code num_train_timesteps - 1} for a discrete model), noisiest first
     */
    public record Timesteps(double[] values) implements Base {
        /**
         * Copies the values and checks them: at least one, finite, non-negative, strictly decreasing.
         *
         * @param values the timesteps (copied)
         */
        public Timesteps {
            values = values.clone();
            if (values.length < 1) throw new ScheduleException("timesteps(...) needs at least one value");
            for (int i = 0; i < values.length; i++) {
                if (!Double.isFinite(values[i])) throw new ScheduleException("timesteps(...) value " + i + " is " + values[i] + "; give finite numbers");
                if (values[i] < 0) throw new ScheduleException("timesteps(...) value " + i + " is " + values[i] + "; timesteps must be >= 0");
                if (i > 0 && !(values[i] < values[i - 1])) {
                    throw new ScheduleException("timesteps(...) must be strictly decreasing, but value " + i + " (" + fmt(values[i])
                            + ") is not below value " + (i - 1) + " (" + fmt(values[i - 1]) + ")");
                }
            }
        }

        /** {@return a copy of the timesteps} */
        @Override public double[] values() { return values.clone(); }
        @Override public boolean equals(Object o) { return o instanceof Timesteps t && Arrays.equals(values, t.values); }
        @Override public int hashCode() { return Arrays.hashCode(values); }
        @Override public String toString() { return "Timesteps" + Arrays.toString(values); }
    }

    /**
     * Explicit sigmas including the final one ({@code n+1} values), strictly decreasing.
     *
     * @param values the sigmas, noisiest first, the last one the sigma after the final step (usually 0)
     */
    public record Sigmas(double[] values) implements Base {
        /**
         * Copies the values and checks them: at least two, finite, non-negative, strictly decreasing.
         *
         * @param values the sigmas (copied)
         */
        public Sigmas {
            values = values.clone();
            if (values.length < 2) throw new ScheduleException("sigmas(...) needs at least two values (n steps need n+1 sigmas, the last usually 0)");
            for (int i = 0; i < values.length; i++) {
                if (!Double.isFinite(values[i])) throw new ScheduleException("sigmas(...) value " + i + " is " + values[i] + "; give finite numbers");
                if (values[i] < 0) throw new ScheduleException("sigmas(...) value " + i + " is " + values[i] + "; sigmas must be >= 0");
                if (i > 0 && !(values[i] < values[i - 1])) {
                    throw new ScheduleException("sigmas(...) must be strictly decreasing, but value " + i + " (" + fmt(values[i])
                            + ") is not below value " + (i - 1) + " (" + fmt(values[i - 1]) + ")");
                }
            }
        }

        /** {@return a copy of the sigmas} */
        @Override public double[] values() { return values.clone(); }
        @Override public boolean equals(Object o) { return o instanceof Sigmas t && Arrays.equals(values, t.values); }
        @Override public int hashCode() { return Arrays.hashCode(values); }
        @Override public String toString() { return "Sigmas" + Arrays.toString(values); }
    }

    /**
     * A named preset (an extension) at {@code steps} steps with options.
     *
     * @param id the preset's id or alias ({@code ays}, {@code gits}, {@code file:PATH} ...)
     * @param steps the number of steps, at least 1
     * @param options the preset's named options as written in the DSL (e.g. {@code model=sdxl}); empty for none
     */
    public record Preset(String id, int steps, Map<String, String> options) implements Base {
        /**
         * Checks the id and the step count; copies the options.
         *
         * @param id not null
         * @param steps at least 1
         * @param options the named options (copied)
         */
        public Preset {
            Objects.requireNonNull(id);
            if (steps < 1) throw new ScheduleException("steps must be >= 1, got " + steps);
            options = Map.copyOf(new LinkedHashMap<>(options));
        }
    }

    final Base base;
    final int stepsOffset;
    final boolean zeroSnr;
    final Double shift;
    final SigmaRemap remap;
    final FinalSigma finalSigma;
    final Double truncate;
    final Double denoise;
    final Convention convention;

    ScheduleSpec(Base base, int stepsOffset, boolean zeroSnr, Double shift, SigmaRemap remap, FinalSigma finalSigma,
                 Double truncate, Double denoise, Convention convention) {
        this.base = Objects.requireNonNull(base);
        this.stepsOffset = stepsOffset;
        this.zeroSnr = zeroSnr;
        this.shift = shift;
        this.remap = remap;
        this.finalSigma = finalSigma;
        this.truncate = truncate;
        this.denoise = denoise;
        this.convention = Objects.requireNonNull(convention);
    }

    static ScheduleSpec of(Base base) {
        return new ScheduleSpec(base, 0, false, null, null, null, null, null, Convention.NATIVE);
    }

    private ScheduleSpec with(Base b, int off, boolean z, Double sh, SigmaRemap r, FinalSigma f, Double t, Double d, Convention c) {
        return new ScheduleSpec(b, off, z, sh, r, f, t, d, c);
    }

    /**
     * Adds {@code k} to every spaced timestep (diffusers' {@code steps_offset}, used with {@code leading}).
     *
     * @param k the offset in timestep units, at least 0 (diffusers' configs use 0 or 1)
     * @return a new spec with the offset
     */
    public ScheduleSpec stepsOffset(int k) {
        if (k < 0) throw new ScheduleException("stepsOffset must be >= 0, got " + k);
        if (!(base instanceof Spaced)) throw new ScheduleException("stepsOffset applies to spaced schedules (leading/linspace/trailing) only");
        return with(base, k, zeroSnr, shift, remap, finalSigma, truncate, denoise, convention);
    }

    /**
     * Rescales the model's betas to zero terminal SNR (Lin et al. 2023); pair with {@code trailing} spacing.
     *
     * @return a new spec whose noise model is rescaled to zero terminal SNR
     */
    public ScheduleSpec zeroSnr() {
        return with(base, stepsOffset, true, shift, remap, finalSigma, truncate, denoise, convention);
    }

    /**
     * Sets a flow model's static shift {@code s*sigma / (1 + (s-1) sigma)}.
     *
     * @param s the shift factor, positive (1 leaves the sigmas unchanged; SD3 uses 3)
     * @return a new spec with the shift
     */
    public ScheduleSpec shift(double s) {
        if (!(s > 0) || !Double.isFinite(s)) throw new ScheduleException("shift must be a positive number, got " + s);
        return with(base, stepsOffset, zeroSnr, s, remap, finalSigma, truncate, denoise, convention);
    }

    /** {@return Karras sigmas with rho 7} */
    public ScheduleSpec karras() {
        return karras(Remaps.Karras.DEFAULT_RHO);
    }

    /**
     * {@return Karras sigmas (Karras et al. 2022, eq. 5) with the given rho}
     *
     * @param rho the exponent of the interpolation in {@code sigma^(1/rho)}, positive (7 in the paper)
     */
    public ScheduleSpec karras(double rho) {
        return remap(new Remaps.Karras(rho, null, null));
    }

    /**
     * Log-linear ("exponential") sigmas.
     *
     * @return a new spec with sigmas spaced evenly in {@code log(sigma)} between the base's endpoints
     */
    public ScheduleSpec exponential() {
        return remap(new Remaps.Exponential(null, null));
    }

    /**
     * Beta-distribution sigmas (Lee et al. 2024).
     *
     * @param alpha the first shape parameter of the Beta distribution, positive (0.6 in the paper)
     * @param beta the second shape parameter, positive (0.6 in the paper)
     * @return a new spec with sigmas at the Beta distribution's quantiles of the training timesteps
     */
    public ScheduleSpec beta(double alpha, double beta) {
        return remap(new Remaps.Beta(alpha, beta, null, null));
    }

    /**
     * k-diffusion's polyexponential sigmas.
     *
     * @param rho the exponent of the polynomial in {@code log(sigma)}, positive (1 is log-linear)
     * @return a new spec with polyexponential sigmas between the base's endpoints
     */
    public ScheduleSpec polyexponential(double rho) {
        return remap(new Remaps.PolyExponential(rho, null, null));
    }

    /**
     * Any remap (also from plugins). Replaces a previous remap.
     *
     * @param r the remap, applied to the base's sigmas
     * @return a new spec with {@code r} as its remap
     */
    public ScheduleSpec remap(SigmaRemap r) {
        return with(base, stepsOffset, zeroSnr, shift, Objects.requireNonNull(r), finalSigma, truncate, denoise, convention);
    }

    /**
     * {@return the sigma after the last step}
     *
     * @param f {@code zero} (the default) or the model's smallest sigma
     */
    public ScheduleSpec finalSigma(FinalSigma f) {
        return with(base, stepsOffset, zeroSnr, shift, remap, Objects.requireNonNull(f), truncate, denoise, convention);
    }

    /**
     * img2img cut, diffusers-style: keep the last {@code int(n * strength)} steps.
     *
     * @param strength the share of the steps to keep, in {@code (0, 1]}
     * @return a new spec that keeps the last {@code int(n * strength)} steps
     */
    public ScheduleSpec truncate(double strength) {
        if (!(strength > 0 && strength <= 1)) throw new ScheduleException("truncate strength must lie in (0, 1], got " + strength);
        return with(base, stepsOffset, zeroSnr, shift, remap, finalSigma, strength, denoise, convention);
    }

    /**
     * ComfyUI-style denoise: compute {@code int(n / d)} steps and keep the last {@code n}.
     *
     * @param d the denoise strength, in {@code (0, 1]} (1 keeps the whole schedule)
     * @return a new spec with the ComfyUI denoise cut
     */
    public ScheduleSpec denoise(double d) {
        if (!(d > 0 && d <= 1)) throw new ScheduleException("denoise must lie in (0, 1], got " + d);
        return with(base, stepsOffset, zeroSnr, shift, remap, finalSigma, truncate, d, convention);
    }

    /**
     * Sets the implementation convention (see {@link Convention}); diffusers imports use this.
     *
     * @param c the convention: extra points, rounding, terminal clamping
     * @return a new spec with {@code c}
     */
    public ScheduleSpec convention(Convention c) {
        return with(base, stepsOffset, zeroSnr, shift, remap, finalSigma, truncate, denoise, c);
    }

    /**
     * Resolves this spec against a noise model; see the class comment for the stage order.
     *
     * @param model the noise model of the network to sample (its sigmas and timesteps)
     * @return the resolved schedule: its sigmas (with the final one) and the timesteps of the model calls
     * @throws ScheduleException if the spec does not fit the model (e.g. a spacing longer than the training range)
     */
    public Schedule resolve(NoiseModel model) {
        return ScheduleResolver.resolve(this, Objects.requireNonNull(model, "noise model"));
    }

    /** {@return the base stage} */
    public Base base() { return base; }
    /** {@return the steps offset (0 unless {@link #stepsOffset(int)} set one)} */
    public int stepsOffset() { return stepsOffset; }
    /** {@return whether zero-SNR rescaling is on} */
    public boolean isZeroSnr() { return zeroSnr; }
    /** {@return the flow shift, or {@code null} when none is set} */
    public Double shiftValue() { return shift; }
    /** {@return the remap or {@code null}} */
    public SigmaRemap remapValue() { return remap; }
    /** {@return the final sigma or {@code null} (default: zero)} */
    public FinalSigma finalSigmaValue() { return finalSigma; }
    /** {@return the truncate strength or {@code null}} */
    public Double truncateValue() { return truncate; }
    /** {@return the denoise value or {@code null}} */
    public Double denoiseValue() { return denoise; }
    /** {@return the convention} */
    public Convention conventionValue() { return convention; }

    /**
     * The canonical DSL text; {@code Schedule.parse(spec.toString())} gives an equal spec.
     *
     * @return the DSL text, e.g. {@code trailing(10).karras()}
     */
    @Override
    public String toString() {
        return ScheduleText.print(this);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ScheduleSpec s)) return false;
        return base.equals(s.base) && stepsOffset == s.stepsOffset && zeroSnr == s.zeroSnr && Objects.equals(shift, s.shift)
                && Objects.equals(remap, s.remap) && finalSigma == s.finalSigma && Objects.equals(truncate, s.truncate)
                && Objects.equals(denoise, s.denoise) && convention.equals(s.convention);
    }

    @Override
    public int hashCode() {
        return Objects.hash(base, stepsOffset, zeroSnr, shift, remap, finalSigma, truncate, denoise, convention);
    }

    static String fmt(double v) {
        return ScheduleText.num(v);
    }
}
