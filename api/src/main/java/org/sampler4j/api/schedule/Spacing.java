package org.sampler4j.api.schedule;

import java.util.Arrays;
import java.util.Locale;

/**
 * How {@code n} inference timesteps are picked from {@code N} training timesteps (diffusers'
 * {@code timestep_spacing}, Table 2 of Lin et al. 2023). All produce descending timesteps.
 */
public enum Spacing {
    /** {@code arange(n) * (N // n) + steps_offset}, reversed: starts low (999 is never hit without an offset). */
    LEADING,
    /** {@code round(linspace(0, N-1, n))}, reversed: includes both ends. */
    LINSPACE,
    /** {@code round(arange(N, 0, -N/n)) - 1}: starts at N-1, the choice for zero-SNR models. */
    TRAILING;

    /** {@return the DSL / diffusers name} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code leading}, {@code linspace} or {@code trailing}.
     *
     * @param s the name
     * @return the spacing
     * @throws ScheduleException for other names, with a "did you mean"
     */
    public static Spacing parse(String s) {
        for (Spacing v : values()) if (v.id().equals(s.toLowerCase(Locale.ROOT))) return v;
        throw new ScheduleException(Names.unknown("timestep_spacing", s, Arrays.stream(values()).map(Spacing::id).toList()));
    }
}
