package org.sampler4j.api.schedule;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A resolved noise schedule: {@code n} timesteps and {@code n+1} sigmas (descending; the last is the sigma after
 * the final step, usually 0), for one noise model. Immutable: accessors return copies.
 *
 * <p>This class is also the entry point of the DSL: {@code Schedule.trailing(10).karras().zeroSnr()} builds a
 * {@link ScheduleSpec}; {@link ScheduleSpec#resolve} turns it into a {@code Schedule}.
 */
public final class Schedule {
    private final double[] timesteps;
    private final double[] sigmas;
    private final NoiseModel model;

    /**
     * A schedule from explicit arrays.
     *
     * @param timesteps {@code n} timesteps (the model's conditioning values)
     * @param sigmas {@code n+1} sigmas, non-increasing, non-negative
     * @param model the noise model the values belong to
     */
    public Schedule(double[] timesteps, double[] sigmas, NoiseModel model) {
        this.timesteps = timesteps.clone();
        this.sigmas = sigmas.clone();
        this.model = Objects.requireNonNull(model);
        if (this.sigmas.length != this.timesteps.length + 1) {
            throw new ScheduleException("a schedule needs n timesteps and n+1 sigmas, got " + this.timesteps.length + " and " + this.sigmas.length);
        }
        if (this.timesteps.length < 1) throw new ScheduleException("a schedule needs at least one step");
    }

    // ---- DSL entry points -------------------------------------------------------------------------------------

    /**
     * {@return {@code n} steps, {@code leading} spacing}
     *
     * @param n the number of steps, at least 1
     */
    public static ScheduleSpec leading(int n) {
        return ScheduleSpec.of(new ScheduleSpec.Spaced(Spacing.LEADING, n));
    }

    /**
     * {@return {@code n} steps, {@code linspace} spacing}
     *
     * @param n the number of steps, at least 1
     */
    public static ScheduleSpec linspace(int n) {
        return ScheduleSpec.of(new ScheduleSpec.Spaced(Spacing.LINSPACE, n));
    }

    /**
     * {@return {@code n} steps, {@code trailing} spacing}
     *
     * @param n the number of steps, at least 1
     */
    public static ScheduleSpec trailing(int n) {
        return ScheduleSpec.of(new ScheduleSpec.Spaced(Spacing.TRAILING, n));
    }

    /**
     * {@return {@code n} steps with the given spacing}
     *
     * @param spacing {@code leading}, {@code linspace} or {@code trailing}
     * @param n the number of steps, at least 1
     */
    public static ScheduleSpec spaced(Spacing spacing, int n) {
        return ScheduleSpec.of(new ScheduleSpec.Spaced(spacing, n));
    }

    /**
     * {@return explicit, strictly decreasing timesteps; sigmas are interpolated from the noise model}
     *
     * @param values the timesteps in model time units, noisiest first
     */
    public static ScheduleSpec timesteps(double... values) {
        return ScheduleSpec.of(new ScheduleSpec.Timesteps(values));
    }

    /**
     * {@return explicit, strictly decreasing sigmas including the final one; timesteps are derived from them}
     *
     * @param values the sigmas, noisiest first; the last one is the sigma after the final step (usually 0)
     */
    public static ScheduleSpec sigmas(double... values) {
        return ScheduleSpec.of(new ScheduleSpec.Sigmas(values));
    }

    /**
     * {@return a preset (e.g. {@code ays}) at {@code steps} steps}
     *
     * @param id the preset's id or alias (see {@link org.sampler4j.api.preset.Presets})
     * @param steps the number of steps, at least 1
     */
    public static ScheduleSpec preset(String id, int steps) {
        return preset(id, steps, Map.of());
    }

    /**
     * {@return a preset with options (e.g. {@code model=sdxl})}
     *
     * @param id the preset's id or alias (see {@link org.sampler4j.api.preset.Presets})
     * @param steps the number of steps, at least 1
     * @param options the preset's named options (the preset validates them)
     */
    public static ScheduleSpec preset(String id, int steps, Map<String, String> options) {
        return ScheduleSpec.of(new ScheduleSpec.Preset(id, steps, options));
    }

    /**
     * Parses DSL text such as {@code trailing(10).karras().zeroSnr()}; see {@link ScheduleText}.
     *
     * @param text the schedule DSL text
     * @return the spec the text describes
     * @throws ScheduleException naming the column and what was expected, for text that does not parse
     */
    public static ScheduleSpec parse(String text) {
        return ScheduleText.parse(text);
    }

    // ---- the value --------------------------------------------------------------------------------------------

    /** {@return number of steps {@code n}} */
    public int steps() {
        return timesteps.length;
    }

    /** {@return the {@code n} timesteps (a copy)} */
    public double[] timesteps() {
        return timesteps.clone();
    }

    /** {@return the {@code n+1} sigmas (a copy)} */
    public double[] sigmas() {
        return sigmas.clone();
    }

    /**
     * Timestep of step {@code i}.
     *
     * @param i the step index, {@code 0 <= i < steps()}
     * @return the model call's timestep of step {@code i} (model time units)
     */
    public double timestep(int i) {
        return timesteps[i];
    }

    /**
     * Sigma {@code i}, {@code 0 <= i <= n}.
     *
     * @param i the sigma index
     * @return the noise level at the start of step {@code i} (the final sigma for {@code i = n})
     */
    public double sigma(int i) {
        return sigmas[i];
    }

    /**
     * log-SNR of sigma {@code i}: {@code -2 ln sigma} (VE/VP convention; +infinity at sigma 0).
     *
     * @param i the sigma index, {@code 0 <= i <= n}
     * @return the log signal-to-noise ratio, {@code +Infinity} for sigma 0
     */
    public double logSnr(int i) {
        return -2 * Math.log(sigmas[i]);
    }

    /** {@return the noise model} */
    public NoiseModel model() {
        return model;
    }

    /**
     * Splits at step {@code i}: the first part has steps {@code 0..i-1} (sigmas {@code 0..i}), the second steps
     * {@code i..n-1}; they share sigma {@code i}. Used to hand a schedule from one sampler to another.
     *
     * @param i the step to split at, {@code 0 < i < steps()}
     * @return the two parts, first part first
     */
    public Schedule[] split(int i) {
        if (i < 1 || i >= steps()) throw new ScheduleException("split index must lie in [1, " + (steps() - 1) + "], got " + i);
        Schedule a = new Schedule(Arrays.copyOfRange(timesteps, 0, i), Arrays.copyOfRange(sigmas, 0, i + 1), model);
        Schedule b = new Schedule(Arrays.copyOfRange(timesteps, i, steps()), Arrays.copyOfRange(sigmas, i, sigmas.length), model);
        return new Schedule[] {a, b};
    }

    /**
     * Appends {@code next}, whose first sigma must equal this schedule's last sigma.
     *
     * @param next the schedule to run after this one
     * @return one schedule with this one's steps followed by those of {@code next}
     * @throws ScheduleException if the sigmas do not meet
     */
    public Schedule concat(Schedule next) {
        if (Double.compare(sigmas[sigmas.length - 1], next.sigmas[0]) != 0) {
            throw new ScheduleException("cannot concatenate: this schedule ends at sigma " + sigmas[sigmas.length - 1]
                    + " but the next starts at " + next.sigmas[0] + "; split a schedule or resolve the next one to start there");
        }
        double[] t = Arrays.copyOf(timesteps, steps() + next.steps());
        System.arraycopy(next.timesteps, 0, t, steps(), next.steps());
        double[] s = Arrays.copyOf(sigmas, sigmas.length + next.steps());
        System.arraycopy(next.sigmas, 1, s, sigmas.length, next.steps());
        return new Schedule(t, s, model);
    }

    /**
     * {@return the last {@code int(n * strength)} steps (diffusers' img2img {@code get_timesteps})}
     *
     * @param strength the share of the steps to keep, in {@code (0, 1]}
     */
    public Schedule truncate(double strength) {
        if (!(strength > 0 && strength <= 1)) throw new ScheduleException("truncate strength must lie in (0, 1], got " + strength);
        int keep = Math.min((int) (steps() * strength), steps());
        if (keep < 1) {
            throw new ScheduleException("truncate(" + strength + ") of " + steps() + " steps keeps no step; raise the strength or the step count");
        }
        return tail(keep);
    }

    /**
     * {@return the last {@code k} steps}
     *
     * @param k the number of steps to keep, {@code 0 <= k <= steps()}
     */
    public Schedule tail(int k) {
        int start = steps() - k;
        return new Schedule(Arrays.copyOfRange(timesteps, start, steps()), Arrays.copyOfRange(sigmas, start, sigmas.length), model);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && Arrays.equals(timesteps, s.timesteps) && Arrays.equals(sigmas, s.sigmas) && model.equals(s.model);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(timesteps), Arrays.hashCode(sigmas), model);
    }

    @Override
    public String toString() {
        return "Schedule[n=" + steps() + ", timesteps=" + Arrays.toString(timesteps) + ", sigmas=" + Arrays.toString(sigmas) + "]";
    }
}
