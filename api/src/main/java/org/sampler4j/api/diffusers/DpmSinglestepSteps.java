package org.sampler4j.api.diffusers;

import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;

/**
 * {@code step} of diffusers' {@code DPMSolverSinglestepScheduler} on the sample it is given, with diffusers' state:
 * the converted outputs of the last {@code solver_order} calls and the sample at the start of the current
 * order group ({@code self.sample}). The order of each call comes from {@code order_list} (lowered where the history
 * is missing, as after a part-way start); a group of order {@code k} takes {@code k} calls, each stepping from the
 * group's first sample to the next sigma. As in diffusers, a sample given in the middle of a group reaches the update
 * through the model output only (the update starts from the group's stored sample).
 *
 * <p>Provenance: Lu et al. 2022, "DPM-Solver" and "DPM-Solver++" (singlestep second and third order, algorithms 1-2);
 * diffusers {@code scheduling_dpmsolver_singlestep.py} {@code singlestep_dpm_solver_second_order_update},
 * {@code singlestep_dpm_solver_third_order_update}, {@code step}.
 */
final class DpmSinglestepSteps implements ClassSteps {
    static final String CLASS = "DPMSolverSinglestepScheduler";

    private final VpSolverMath m;
    private final DpmMultistepSteps.Form form;
    private final int[] orderList;
    private final NoiseSource noise;
    private final VpSolverMath.History outputs;
    private final int solverOrder;
    private Latent groupSample;

    DpmSinglestepSteps(DiffusersConfig cfg, DiffusersTimesteps ts, NoiseSource noise) {
        DiffusersSchedules.route(cfg, java.util.Map.of()); // the route's checks: what diffusers cannot step is refused here
        this.m = new VpSolverMath(cfg, ts);
        this.form = DpmMultistepSteps.Form.of(cfg);
        double[] list = ts.extras().get("order_list");
        this.orderList = new int[list.length];
        for (int i = 0; i < list.length; i++) orderList[i] = (int) list[i];
        this.solverOrder = cfg.integer("solver_order");
        this.noise = noise;
        this.outputs = new VpSolverMath.History(solverOrder);
    }

    @Override
    public Latent step(Latent modelOutput, double t, Latent sample, int index) {
        Latent converted = form.data() ? m.data(modelOutput, sample, index) : m.noise(modelOutput, sample, index, true);
        outputs.push(converted);
        Latent z = form.sde() ? noise.noise(m.sigma(index), m.sigma(index + 1), modelOutput) : null;
        int order = orderList[index];
        while (order > 1 && outputs.back(order - 1) == null) order--;
        if (order == 1) groupSample = sample;
        return switch (order) {
            case 1 -> DpmMultistepSteps.firstOrder(m, form, converted, groupSample, z, index);
            case 2 -> secondOrder(z, index);
            default -> thirdOrder(z, index);
        };
    }

    /** Singlestep DPM-Solver-2: from {@code sigmas[i - 1]} (the group's sample) over {@code sigmas[i]} to {@code sigmas[i + 1]}. */
    private Latent secondOrder(Latent z, int i) {
        DpmMultistepSteps.Coefficients c = DpmMultistepSteps.Coefficients.of(m, form, i - 1, i + 1);
        float r0 = (m.lambda(i) - m.lambda(i - 1)) / c.h();
        Latent m1 = outputs.back(1);
        Latent d1 = Latents.sum(1f / r0, outputs.back(0), -(1f / r0), m1);
        double c1 = form.heun() ? c.c1() : c.c1Midpoint();
        if (z == null) return Latents.sum(c.cx(), groupSample, c.c0(), m1, c1, d1);
        return Latents.sum(c.cx(), groupSample, c.c0(), m1, c1, d1, c.cz(), z);
    }

    /** Singlestep DPM-Solver-3: from {@code sigmas[i - 2]} (the group's sample) to {@code sigmas[i + 1]}. */
    private Latent thirdOrder(Latent z, int i) {
        DpmMultistepSteps.Coefficients c = DpmMultistepSteps.Coefficients.of(m, form, i - 2, i + 1);
        float lambdaS2 = m.lambda(i - 2);
        float r0 = (m.lambda(i) - lambdaS2) / c.h();
        float r1 = (m.lambda(i - 1) - lambdaS2) / c.h();
        Latent m2 = outputs.back(2);
        Latent d10 = Latents.sum(1f / r1, outputs.back(1), -(1f / r1), m2);
        Latent d11 = Latents.sum(1f / r0, outputs.back(0), -(1f / r0), m2);
        Latent[] terms;
        double[] coeffs;
        if (form.heun()) {
            // D1 = (r0 D1_0 - r1 D1_1) / (r0 - r1), D2 = 2 (D1_1 - D1_0) / (r0 - r1)
            float dr = r0 - r1;
            Latent d1 = Latents.sum(r0 / (double) dr, d10, -r1 / (double) dr, d11);
            Latent d2 = Latents.sum(2.0 / dr, d11, -2.0 / dr, d10);
            terms = new Latent[] {groupSample, m2, d1, d2};
            coeffs = new double[] {c.cx(), c.c0(), c.c1(), c.c2()};
        } else {
            terms = new Latent[] {groupSample, m2, d11};
            coeffs = new double[] {c.cx(), c.c0(), c.c1()};
        }
        if (z != null) {
            terms = java.util.Arrays.copyOf(terms, terms.length + 1);
            coeffs = java.util.Arrays.copyOf(coeffs, coeffs.length + 1);
            terms[terms.length - 1] = z;
            coeffs[coeffs.length - 1] = c.cz();
        }
        return Latents.sum(coeffs, terms);
    }
}
