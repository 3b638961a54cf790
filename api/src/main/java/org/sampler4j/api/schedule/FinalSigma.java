package org.sampler4j.api.schedule;

import java.util.Arrays;
import java.util.Locale;

/** The sigma appended after the last step (diffusers' {@code final_sigmas_type}). */
public enum FinalSigma {
    /** End at sigma 0: the sample is fully denoised. */
    ZERO,
    /** End at the model's smallest training sigma. */
    SIGMA_MIN;

    /** {@return the DSL / diffusers name ({@code zero}, {@code sigma_min})} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code zero} or {@code sigma_min}.
     *
     * @param s the name
     * @return the final sigma rule
     * @throws ScheduleException for other names, with a "did you mean"
     */
    public static FinalSigma parse(String s) {
        for (FinalSigma v : values()) if (v.id().equals(s.toLowerCase(Locale.ROOT))) return v;
        throw new ScheduleException(Names.unknown("final sigma", s, Arrays.stream(values()).map(FinalSigma::id).toList()));
    }
}
