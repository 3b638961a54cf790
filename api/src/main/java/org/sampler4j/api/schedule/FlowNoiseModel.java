package org.sampler4j.api.schedule;

import java.util.Locale;
import java.util.Objects;

/**
 * Rectified-flow noise model: {@code x_t = (1 - sigma) x0 + sigma noise}, timestep {@code t = sigma * N}
 * (diffusers' {@code FlowMatchEulerDiscreteScheduler}: SD3, FLUX, AuraFlow). The static {@code shift}
 * maps {@code sigma -> shift*sigma / (1 + (shift-1)*sigma)}; dynamic shifting uses a resolution-dependent
 * {@code mu} ({@link #calculateShift}) with an exponential or linear time shift; {@code shiftTerminal}
 * stretches the schedule so that it ends at that sigma.
 */
public final class FlowNoiseModel implements NoiseModel {
    /** How dynamic shifting maps {@code mu} onto sigmas. */
    public enum TimeShift {
        /** {@code exp(mu) / (exp(mu) + (1/t - 1))}. */
        EXPONENTIAL,
        /** {@code mu / (mu + (1/t - 1))}. */
        LINEAR;

        /**
         * Parses {@code exponential} / {@code linear}.
         *
         * @param s the name as in diffusers' {@code time_shift_type}
         * @return the time shift
         * @throws ScheduleException for other names, with a "did you mean"
         */
        public static TimeShift parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "exponential" -> EXPONENTIAL;
                case "linear" -> LINEAR;
                default -> throw new ScheduleException(Names.unknown("time_shift_type", s, java.util.List.of("exponential", "linear")));
            };
        }
    }

    private final int numTrainTimesteps;
    private final double shift;
    private final boolean dynamicShifting;
    private final double baseShift;
    private final double maxShift;
    private final int baseImageSeqLen;
    private final int maxImageSeqLen;
    private final TimeShift timeShift;
    private final Double shiftTerminal;

    private FlowNoiseModel(Builder b) {
        this.numTrainTimesteps = b.numTrainTimesteps;
        this.shift = b.shift;
        this.dynamicShifting = b.dynamicShifting;
        this.baseShift = b.baseShift;
        this.maxShift = b.maxShift;
        this.baseImageSeqLen = b.baseImageSeqLen;
        this.maxImageSeqLen = b.maxImageSeqLen;
        this.timeShift = b.timeShift;
        this.shiftTerminal = b.shiftTerminal;
        if (numTrainTimesteps < 1) throw new ScheduleException("num_train_timesteps must be >= 1, got " + numTrainTimesteps);
        if (!(shift > 0)) throw new ScheduleException("shift must be > 0, got " + shift);
        if (shiftTerminal != null && !(shiftTerminal > 0 && shiftTerminal < 1)) {
            throw new ScheduleException("shift_terminal must lie in (0, 1), got " + shiftTerminal);
        }
    }

    /** {@return a builder with diffusers' defaults (N = 1000, shift 1, no dynamic shifting)} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the default flow model (N = 1000, shift 1)} */
    public static FlowNoiseModel standard() {
        return builder().build();
    }

    /** {@return a builder with this model's settings} */
    public Builder toBuilder() {
        return new Builder().numTrainTimesteps(numTrainTimesteps).shift(shift).dynamicShifting(dynamicShifting)
                .baseShift(baseShift).maxShift(maxShift).baseImageSeqLen(baseImageSeqLen).maxImageSeqLen(maxImageSeqLen)
                .timeShift(timeShift).shiftTerminal(shiftTerminal);
    }

    /**
     * FLUX/SD3's {@code calculate_shift}: {@code mu} for an image of {@code imageSeqLen} latent tokens, linear
     * between ({@code baseImageSeqLen}, {@code baseShift}) and ({@code maxImageSeqLen}, {@code maxShift}).
     *
     * @param imageSeqLen the number of latent tokens of the image (patches), positive
     * @return the shift exponent {@code mu}
     */
    public double calculateShift(int imageSeqLen) {
        return calculateShift(imageSeqLen, baseImageSeqLen, maxImageSeqLen, baseShift, maxShift);
    }

    /**
     * {@return {@code calculate_shift} with explicit parameters (Python-float arithmetic)}
     *
     * @param imageSeqLen the number of latent tokens of the image
     * @param baseSeqLen the token count at which the shift is {@code baseShift}
     * @param maxSeqLen the token count at which the shift is {@code maxShift}
     * @param baseShift {@code mu} at {@code baseSeqLen}
     * @param maxShift {@code mu} at {@code maxSeqLen}
     */
    public static double calculateShift(double imageSeqLen, double baseSeqLen, double maxSeqLen, double baseShift, double maxShift) {
        double m = (maxShift - baseShift) / (maxSeqLen - baseSeqLen);
        double b = baseShift - m * baseSeqLen;
        return imageSeqLen * m + b;
    }

    /** {@return {@code N}} */
    public int numTrainTimesteps() { return numTrainTimesteps; }
    /** {@return the static shift (1 for none)} */
    public double shift() { return shift; }
    /** {@return whether sigmas are shifted by a per-call {@code mu}} */
    public boolean dynamicShifting() { return dynamicShifting; }
    /** {@return {@code base_shift}} */
    public double baseShift() { return baseShift; }
    /** {@return {@code max_shift}} */
    public double maxShift() { return maxShift; }
    /** {@return {@code base_image_seq_len}} */
    public int baseImageSeqLen() { return baseImageSeqLen; }
    /** {@return {@code max_image_seq_len}} */
    public int maxImageSeqLen() { return maxImageSeqLen; }
    /** {@return {@code time_shift_type}} */
    public TimeShift timeShift() { return timeShift; }
    /** {@return {@code shift_terminal}, or {@code null}} */
    public Double shiftTerminal() { return shiftTerminal; }

    /**
     * {@return the static shift applied to one sigma: {@code s*sigma / (1 + (s-1)*sigma)}}
     *
     * @param shift the shift factor, positive
     * @param sigma a flow sigma in {@code [0, 1]}
     */
    public static double shiftSigma(double shift, double sigma) {
        return shift * sigma / (1 + (shift - 1) * sigma);
    }

    @Override
    public double sigmaMin() {
        return shiftSigma(shift, 1.0 / numTrainTimesteps);
    }

    @Override
    public double sigmaMax() {
        return 1.0;
    }

    @Override
    public String describe() {
        return "flow(N=" + numTrainTimesteps + ", shift=" + ScheduleText.num(shift) + (dynamicShifting ? ", dynamic " + timeShift.name().toLowerCase(Locale.ROOT) : "")
                + (shiftTerminal != null ? ", shift_terminal=" + shiftTerminal : "") + ")";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FlowNoiseModel m)) return false;
        return numTrainTimesteps == m.numTrainTimesteps && shift == m.shift && dynamicShifting == m.dynamicShifting
                && baseShift == m.baseShift && maxShift == m.maxShift && baseImageSeqLen == m.baseImageSeqLen
                && maxImageSeqLen == m.maxImageSeqLen && timeShift == m.timeShift && Objects.equals(shiftTerminal, m.shiftTerminal);
    }

    @Override
    public int hashCode() {
        return Objects.hash(numTrainTimesteps, shift, dynamicShifting, baseShift, maxShift, baseImageSeqLen, maxImageSeqLen, timeShift, shiftTerminal);
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builder for {@link FlowNoiseModel}. */
    public static final class Builder {
        private int numTrainTimesteps = 1000;
        private double shift = 1.0;
        private boolean dynamicShifting;
        private double baseShift = 0.5;
        private double maxShift = 1.15;
        private int baseImageSeqLen = 256;
        private int maxImageSeqLen = 4096;
        private TimeShift timeShift = TimeShift.EXPONENTIAL;
        private Double shiftTerminal;

        private Builder() {}

        /**
         * Sets {@code num_train_timesteps}.
         *
         * @param v the number of training timesteps, at least 1 (1000 for SD3 and FLUX)
         * @return this builder
         */
        public Builder numTrainTimesteps(int v) { numTrainTimesteps = v; return this; }
        /**
         * Sets the static {@code shift}.
         *
         * @param v the shift factor, positive (1: no shift)
         * @return this builder
         */
        public Builder shift(double v) { shift = v; return this; }
        /**
         * Sets {@code use_dynamic_shifting}.
         *
         * @param v whether the shift depends on the image size ({@link #calculateShift(int)})
         * @return this builder
         */
        public Builder dynamicShifting(boolean v) { dynamicShifting = v; return this; }
        /**
         * Sets {@code base_shift}.
         *
         * @param v {@code mu} at {@code base_image_seq_len} tokens
         * @return this builder
         */
        public Builder baseShift(double v) { baseShift = v; return this; }
        /**
         * Sets {@code max_shift}.
         *
         * @param v {@code mu} at {@code max_image_seq_len} tokens
         * @return this builder
         */
        public Builder maxShift(double v) { maxShift = v; return this; }
        /**
         * Sets {@code base_image_seq_len}.
         *
         * @param v the token count of the base shift
         * @return this builder
         */
        public Builder baseImageSeqLen(int v) { baseImageSeqLen = v; return this; }
        /**
         * Sets {@code max_image_seq_len}.
         *
         * @param v the token count of the maximum shift
         * @return this builder
         */
        public Builder maxImageSeqLen(int v) { maxImageSeqLen = v; return this; }
        /**
         * Sets {@code time_shift_type}.
         *
         * @param v exponential or linear
         * @return this builder
         */
        public Builder timeShift(TimeShift v) { timeShift = Objects.requireNonNull(v); return this; }
        /**
         * Sets {@code shift_terminal}.
         *
         * @param v the sigma the shifted schedule is stretched to end at, or {@code null} for none
         * @return this builder
         */
        public Builder shiftTerminal(Double v) { shiftTerminal = v; return this; }
        /**
         * Builds and validates.
         *
         * @return the noise model
         * @throws ScheduleException for settings out of range
         */
        public FlowNoiseModel build() { return new FlowNoiseModel(this); }
    }
}
