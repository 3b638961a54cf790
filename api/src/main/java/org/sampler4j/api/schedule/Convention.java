package org.sampler4j.api.schedule;

import java.util.Locale;

/**
 * The small implementation choices on which tools disagree while computing "the same" schedule. The default,
 * {@link #NATIVE}, is diffusers' Euler-family behaviour; importing a diffusers {@code scheduler_config.json}
 * sets the convention of that scheduler class, so the resolved numbers match it exactly.
 *
 * @param extraPoint space {@code n+1} timesteps and drop the last (diffusers' DPM-Solver, DEIS, UniPC, SA-Solver;
 *     {@code leading} and {@code linspace} only: their {@code trailing} steps by {@code N/n} as everywhere)
 * @param roundLinspace round {@code linspace} timesteps to integers (diffusers' DDIM and DPM-Solver do; Euler does not)
 * @param remapTimesteps how timesteps derived from remapped sigmas are stored
 * @param terminalClamp under zero-SNR, whether the last alpha-bar becomes 2^-24 or stays 0
 * @param lenientSteps accept more steps than training timesteps (diffusers' Euler family does, producing repeated
 *     or fractional timesteps); sampler4j's own convention rejects them
 */
public record Convention(boolean extraPoint, boolean roundLinspace, TimestepRounding remapTimesteps,
                         DiscreteNoiseModel.TerminalClamp terminalClamp, boolean lenientSteps) {
    /** sampler4j's default: {@code n} points, fractional timesteps, clamped zero-SNR, at most {@code N} steps. */
    public static final Convention NATIVE = new Convention(false, false, TimestepRounding.KEEP, DiscreteNoiseModel.TerminalClamp.CLAMP, false);

    /**
     * A convention that rejects more steps than training timesteps.
     *
     * @param extraPoint whether {@code n+1} timesteps are spaced and the last dropped (diffusers' DPM-Solver, DEIS, UniPC, SA-Solver)
     * @param roundLinspace whether {@code linspace} timesteps are rounded to integers
     * @param remapTimesteps what happens to the timesteps mapped back from remapped sigmas
     * @param terminalClamp under zero-SNR, whether the last alpha-bar becomes 2^-24 or stays 0
     */
    public Convention(boolean extraPoint, boolean roundLinspace, TimestepRounding remapTimesteps, DiscreteNoiseModel.TerminalClamp terminalClamp) {
        this(extraPoint, roundLinspace, remapTimesteps, terminalClamp, false);
    }

    /**
     * {@return this convention with {@code lenientSteps} set}
     *
     * @param lenient whether more steps than training timesteps are accepted
     */
    public Convention lenient(boolean lenient) {
        return new Convention(extraPoint, roundLinspace, remapTimesteps, terminalClamp, lenient);
    }

    /** How a fractional timestep (from {@code sigma_to_t}) is stored. */
    public enum TimestepRounding {
        /** Keep the fractional value (diffusers' Euler, Heun, LMS, KDPM2). */
        KEEP,
        /** Round half to even (diffusers' DPM-Solver with Karras sigmas). */
        ROUND,
        /** Truncate toward zero: an {@code int64} cast (diffusers' DPM-Solver with exponential/beta sigmas). */
        TRUNCATE;

        /** {@return DSL name} */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        double apply(double t) {
            return switch (this) {
                case KEEP -> t;
                case ROUND -> Math.rint(t);
                case TRUNCATE -> (double) (long) t;
            };
        }
    }

    /**
     * Checks that the rounding and the clamp are given.
     *
     * @param extraPoint the extra-point rule
     * @param roundLinspace the linspace rounding rule
     * @param remapTimesteps not null
     * @param terminalClamp not null
     * @param lenientSteps the step-count rule
     */
    public Convention {
        java.util.Objects.requireNonNull(remapTimesteps);
        java.util.Objects.requireNonNull(terminalClamp);
    }

    /** {@return whether this is {@link #NATIVE}} */
    public boolean isNative() {
        return equals(NATIVE);
    }
}
