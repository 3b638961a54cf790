package org.sampler4j.api.schedule;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The training beta schedules of diffusers ({@code beta_schedule}); names as in {@code scheduler_config.json}. */
public enum BetaSchedule {
    /** {@code linspace(beta_start, beta_end, N)} in float32. */
    LINEAR("linear"),
    /** {@code linspace(sqrt(beta_start), sqrt(beta_end), N)**2} in float32 (Stable Diffusion). */
    SCALED_LINEAR("scaled_linear"),
    /** Cosine alpha-bar of Nichol &amp; Dhariwal 2021, betas capped at 0.999 ({@code betas_for_alpha_bar}). */
    SQUAREDCOS_CAP_V2("squaredcos_cap_v2"),
    /** {@code alpha_bar(t) = exp(-12 t)} ({@code betas_for_alpha_bar(alpha_transform_type="exp")}). */
    EXP("exp"),
    /** Laplace alpha-bar ({@code betas_for_alpha_bar(alpha_transform_type="laplace")}). */
    LAPLACE("laplace"),
    /** {@code sigmoid(linspace(-6, 6, N)) * (beta_end - beta_start) + beta_start} (DDPM/DDIM only in diffusers). */
    SIGMOID("sigmoid");

    private final String id;

    BetaSchedule(String id) {
        this.id = id;
    }

    /** {@return the diffusers name, e.g. {@code scaled_linear}} */
    public String id() {
        return id;
    }

    /**
     * Parses a diffusers name; unknown names get a "did you mean".
     *
     * @param name the diffusers name, e.g. {@code scaled_linear}
     * @return the beta schedule
     */
    public static BetaSchedule parse(String name) {
        for (BetaSchedule b : values()) if (b.id.equals(name.toLowerCase(Locale.ROOT))) return b;
        List<String> known = Arrays.stream(values()).map(BetaSchedule::id).toList();
        throw new ScheduleException(Names.unknown("beta_schedule", name, known));
    }
}
