package org.sampler4j.plugins.samplers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * {@code dpm_multistep}, {@code dpm_singlestep} and the diffusers options of the multistep DPM-Solver++ samplers. On a
 * constant denoiser {@code D = c} the probability-flow ODE solution {@code c + (sigma/sigma_0)(x_0 - c)} keeps the
 * noise {@code eps = (x - c)/sigma} constant too, so every deterministic order and form reproduces it exactly.
 */
class DpmSolverSamplersTest {
    private static final double[] C = {0.25, -1.5, 3.0, 0.0, 2.0, -0.75};
    private static final double[] X0 = {14.0, -3.0, 7.5, -20.0, 0.5, 11.0};
    private static final double[] TO_ZERO = {14.6, 6.0, 2.5, 0.9, 0.2, 0.03, 0.0};
    private static final double[] TO_LOW = {10.0, 4.0, 1.5, 0.5, 0.3, 0.1};

    private static Latent run(String id, Map<String, Object> options, double[] sigmas, SamplingContext ctx) {
        Sampler s = Samplers.get(id);
        Latent c = ArrayLatent.ofDoubles(C, 3, 2);
        Denoiser constant = (x, sigma) -> c;
        return s.sample(constant, ArrayLatent.ofDoubles(X0, 3, 2), sigmas, s.options(options), ctx);
    }

    @ParameterizedTest(name = "{0} order {1} {2} {3}")
    @CsvSource({"dpm_multistep,1,midpoint,", "dpm_multistep,2,midpoint,", "dpm_multistep,2,heun,", "dpm_multistep,3,midpoint,",
            "dpm_singlestep,1,midpoint,data", "dpm_singlestep,2,midpoint,data", "dpm_singlestep,2,heun,noise", "dpm_singlestep,3,midpoint,noise",
            "dpm_singlestep,3,heun,data", "dpm_singlestep,3,heun,noise"})
    void constantDenoiserIsReproducedExactly(String id, int order, String solverType, String form) {
        Map<String, Object> o = new HashMap<>(Map.of("order", order, "solver_type", solverType));
        if (form != null) o.put("form", form);
        double[] toZero = run(id, o, TO_ZERO, SamplingContext.deterministic()).toDoubleArray();
        double[] toLow = run(id, o, TO_LOW, SamplingContext.deterministic()).toDoubleArray();
        for (int k = 0; k < C.length; k++) {
            assertEquals(C[k], toZero[k], 1e-12, id + " to 0, element " + k);
            assertEquals(C[k] + 0.01 * (X0[k] - C[k]), toLow[k], 1e-12 * (1 + Math.abs(X0[k])), id + " to 0.1, element " + k);
        }
    }

    /** diffusers' order_list (golden schedules.json, DPMSolverSinglestepScheduler). */
    @Test
    void singlestepOrdersAreDiffusersOrderList() {
        assertArrayEquals(new int[] {1, 2, 1, 2, 1}, SinglestepOrders.of(new double[] {5, 4, 3, 2, 1, 0}, 2, false));
        assertArrayEquals(new int[] {1, 2, 1, 2, 1, 2, 1, 2, 1, 1}, SinglestepOrders.of(new double[] {10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, 2, false));
        assertArrayEquals(new int[] {1, 2, 3, 1, 2, 3, 1, 2, 3}, SinglestepOrders.of(new double[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0.5}, 3, false));
        assertArrayEquals(new int[] {1, 2, 3, 1, 2, 3, 1}, SinglestepOrders.of(new double[] {7, 6, 5, 4, 3, 2, 1, 0}, 3, true));
        assertArrayEquals(new int[] {1, 2, 3, 1, 2, 1}, SinglestepOrders.of(new double[] {6, 5, 4, 3, 2, 1, 0.5}, 3, true));
    }

    /**
     * A part-way start keeps the full schedule's order list and lowers each step to the outputs it has (diffusers'
     * {@code while model_outputs[-order] is None: order -= 1}): 12 steps of order 3 to 0 from step 4, and 50 of order 2
     * from step 3 (test_full_uneven_loop).
     */
    @Test
    void singlestepPartWayStartLowersTheInterruptedGroup() {
        double[] tail = {8, 7, 6, 5, 4, 3, 2, 1, 0};
        assertArrayEquals(new int[] {1, 2, 1, 2, 3, 1, 2, 1}, SinglestepOrders.of(tail, 3, false, 4));
        double[] uneven = new double[48];
        for (int i = 0; i < uneven.length; i++) uneven[i] = 48 - i;
        int[] o = SinglestepOrders.of(uneven, 2, true, 3);
        assertArrayEquals(new int[] {1, 1, 2, 1, 2}, java.util.Arrays.copyOf(o, 5));
        assertArrayEquals(new int[] {1, 1}, java.util.Arrays.copyOfRange(o, o.length - 2, o.length));
    }

    /** diffusers' lower_order_final (below 15 steps) and euler_at_final select the orders of the last two steps. */
    @Test
    void diffusersFinalOrders() {
        Sampler s = Samplers.get("dpmpp_3m_sde");
        double[] sigmas = {9, 8, 7, 6, 5, 4};
        int[] plain = new int[5];
        int[] lof = new int[5];
        int[] euler = new int[5];
        for (int i = 0; i < 5; i++) {
            plain[i] = MultistepOrder.at(i, sigmas, Math.min(i, 2), s.options(Map.of()));
            lof[i] = MultistepOrder.at(i, sigmas, Math.min(i, 2), s.options(Map.of("lower_order_final", true)));
            euler[i] = MultistepOrder.at(i, sigmas, Math.min(i, 2), s.options(Map.of("euler_at_final", true, "order", 2)));
        }
        assertArrayEquals(new int[] {1, 2, 3, 3, 3}, plain);
        assertArrayEquals(new int[] {1, 2, 3, 2, 1}, lof);
        assertArrayEquals(new int[] {1, 2, 2, 2, 1}, euler);
    }

    /** reference=diffusers draws on every step of the SDE, the step to 0 included; dpm_singlestep's SDE likewise. */
    @ParameterizedTest
    @CsvSource({"dpmpp_2m_sde,comfyui,5", "dpmpp_2m_sde,diffusers,6", "dpmpp_3m_sde,diffusers,6", "dpm_singlestep,,6", "dpm_multistep,,5"})
    void sdeNoiseDraws(String id, String reference, int draws) {
        AtomicInteger n = new AtomicInteger();
        SamplingContext counting = SamplingContext.of((s, sn, like) -> {
            n.incrementAndGet();
            return like.withValues(new double[like.size()]);
        });
        Map<String, Object> o = new HashMap<>();
        if (reference != null) o.put("reference", reference);
        if (id.startsWith("dpm_")) o.put("sde", true);
        if (id.equals("dpm_multistep")) o.put("order", 2);
        run(id, o, new double[] {14.6, 6.0, 2.5, 0.9, 0.2, 0.03, 0.0}, counting);
        assertEquals(draws, n.get());
    }

    @Test
    void sdeVariantsRejectWhatDiffusersLacks() {
        assertThrows(IllegalArgumentException.class, () -> run("dpm_multistep", Map.of("sde", true, "order", 3), TO_LOW, SamplingContext.deterministic()));
        assertThrows(IllegalArgumentException.class, () -> run("dpm_singlestep", Map.of("sde", true, "form", "noise"), TO_LOW, SamplingContext.deterministic()));
    }
}
