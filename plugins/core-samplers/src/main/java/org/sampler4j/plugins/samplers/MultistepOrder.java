package org.sampler4j.plugins.samplers;

import java.util.List;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.SamplerOptions;

/**
 * Which order a multistep DPM-Solver step uses (dpmpp_2m, dpmpp_2m_sde, dpmpp_3m_sde, dpm_multistep): the highest
 * order the option {@code order} allows and the stored history supports, lowered to 1 on a step that ends at sigma 0
 * (or has zero length). diffusers' DPMSolverMultistepScheduler and EDMDPMSolverMultistepScheduler add two options,
 * off by default (k-diffusion's behaviour): {@code lower_order_final} (with fewer than 15 steps, the last step is
 * first-order and the one before at most second-order) and {@code euler_at_final} (the last step is first-order).
 */
final class MultistepOrder {
    /** diffusers applies {@code lower_order_final} only below this many steps. */
    static final int LOWER_ORDER_FINAL_STEPS = 15;

    private MultistepOrder() {}

    /** {@code order} (1 to {@code max}, default {@code max}), {@code lower_order_final} and {@code euler_at_final}. */
    static List<OptionSpec> options(int max) {
        return List.of(
                OptionSpec.integer("order", max, 1, max, "highest order of the multistep solver (diffusers solver_order)"),
                OptionSpec.bool("lower_order_final", false, "with fewer than 15 steps, first order on the last step and at most second order on the one before (diffusers)"),
                OptionSpec.bool("euler_at_final", false, "first order on the last step (diffusers)"));
    }

    /**
     * The options of a multistep SDE sampler: {@code eta}, {@code s_noise}, {@code solver_type} (default
     * {@code solverType}), {@code reference} (with {@code diffusers}) and {@link #options(int)}.
     */
    static List<OptionSpec> sdeOptions(String solverType, int max) {
        List<OptionSpec> o = new java.util.ArrayList<>(SdeNoise.optionsWithDiffusers());
        o.add(2, Dpmpp2mSde.solverType(solverType));
        o.addAll(options(max));
        return o;
    }

    /**
     * The order of step {@code i}.
     *
     * @param history the number of earlier model evaluations the solver keeps for this step
     */
    static int at(int i, double[] sigmas, int history, SamplerOptions o) {
        int n = sigmas.length - 1;
        if (sigmas[i + 1] == 0 || sigmas[i + 1] == sigmas[i]) return 1;
        int order = Math.min(o.integer("order"), history + 1);
        boolean lowerFinal = o.bool("lower_order_final") && n < LOWER_ORDER_FINAL_STEPS;
        if (i == n - 1 && (lowerFinal || o.bool("euler_at_final"))) return 1;
        if (i == n - 2 && lowerFinal) return Math.min(order, 2);
        return order;
    }
}
