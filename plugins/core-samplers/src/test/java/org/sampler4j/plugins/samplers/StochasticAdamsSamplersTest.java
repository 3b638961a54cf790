package org.sampler4j.plugins.samplers;

import static org.sampler4j.plugins.samplers.SamplerTestSupport.*;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.DiscreteNoiseModel;

/** sa_solver, sa_solver_pece, er_sde, lcm, tcd: constant-denoiser invariants, exact coefficients, convergence orders. */
class StochasticAdamsSamplersTest {


    private static final SamplingContext ZERO_NOISE = SamplingContext.of((s, sn, like) -> like.withValues(new double[like.size()]));

    private static double[] run(Sampler s, Denoiser d, double[] sigmas, Map<String, ?> options) {
        return s.sample(d, randomLatent(1234, sigmas[0]), sigmas, s.options(options), ZERO_NOISE).toDoubleArray();
    }

    @Test
    void constantDenoiserEndsAtTheConstant() {
        Latent c = randomLatent(99, 1.0);
        Denoiser constant = (x, sigma) -> c;
        double[] expected = c.toDoubleArray();
        for (String ref : new String[] {"comfyui", "diffusers"}) {
            for (String alg : new String[] {"data_prediction", "noise_prediction"}) {
                Map<String, Object> o = Map.of("eta", 0.0, "reference", ref, "algorithm", alg);
                assertArrayEquals(expected, run(new SaSolver(), constant, KARRAS_10, o), 1e-12, "sa_solver " + o);
                assertArrayEquals(expected, run(new SaSolverPece(), constant, KARRAS_10, o), 1e-12, "sa_solver_pece " + o);
            }
        }
        assertArrayEquals(expected, run(new ErSde(), constant, KARRAS_10, Map.of("s_noise", 0.0)), 1e-12, "er_sde");
        assertArrayEquals(expected, run(new Lcm(), constant, KARRAS_10, Map.of()), 1e-12, "lcm");
    }

    @Test
    void saSolverWithTauZeroFollowsTheExactOdeOfAConstantDenoiser() {
        // Lagrange interpolation of a constant is exact, so every order solves dx/dsigma = (x - c)/sigma exactly:
        // x(sigma) = c + (x0 - c) sigma / sigma_max, here down to the last non-zero sigma
        double[] sigmas = java.util.Arrays.copyOf(KARRAS_10, KARRAS_10.length - 1);
        Latent c = randomLatent(99, 1.0);
        double ratio = sigmas[sigmas.length - 1] / sigmas[0];
        double[] expected = Latents.sum(1 - ratio, c, ratio, randomLatent(1234, sigmas[0])).toDoubleArray();
        for (String alg : new String[] {"data_prediction", "noise_prediction"}) {
            for (int order = 1; order <= 6; order++) {
                Map<String, Object> o = Map.of("eta", 0.0, "algorithm", alg, "predictor_order", order, "corrector_order", order);
                assertArrayEquals(expected, run(new SaSolver(), (x, s) -> c, sigmas, o), 1e-11, o.toString());
            }
        }
    }

    @Test
    void orderOneDataWeightIsTheExponentialIntegratorWeight() {
        // one node: b = 1 - e^(-(1+tau^2) h), the DPM-Solver++(1) / SDE-DPM-Solver++(1) weight
        double tau = 0.7;
        double h = 0.4;
        double[] b = StochasticAdams.dataWeights(new double[] {1.0}, 1.0, 1.0 + h, tau);
        assertEquals(-Math.expm1(-(1 + tau * tau) * h), b[0], 1e-15);
        // the order-2 simple predictor keeps the first-order part: weights sum to it
        double[] simple = StochasticAdams.simpleOrder2(new double[] {0.7, 1.0}, 1.0, 1.0 + h, tau, false);
        assertEquals(-Math.expm1(-(1 + tau * tau) * h), simple[0] + simple[1], 1e-15);
    }

    @Test
    void tcdWithEtaZeroIsDdimOnTheTrainingGrid() {
        DiscreteNoiseModel m = DiscreteNoiseModel.sd15();
        double[] train = m.trainingSigmas();
        double[] sigmas = {train[999], train[759], train[499], train[259], 0};
        Latent c = randomLatent(99, 1.0);
        Latent x0 = randomLatent(1234, sigmas[0]);
        // DDIM with a constant denoiser: x = c + (x0 - c) sigma / sigma_0; the last step lands on timestep 0, VP-scaled
        double s0 = train[0];
        double[] expected = Latents.scale(1 / Math.sqrt(1 + s0 * s0), Latents.sum(1 - s0 / sigmas[0], c, s0 / sigmas[0], x0)).toDoubleArray();
        double[] got = new Tcd().sample((x, s) -> c, x0, sigmas, new Tcd().options(Map.of("eta", 0.0)), SamplingContext.deterministic()).toDoubleArray();
        assertArrayEquals(expected, got, 1e-12);
    }

    /**
     * Observed orders on the Gaussian ODE of {@link ConvergenceOrderTest} (tau = 0). Predictor-only runs above order 2
     * are held at order 2 by their lower-order start-up steps (local error O(h^2) on the first step), so the rows use
     * predictor orders 1 and 2, and the default PEC pair (3, 4), whose corrector restores order 4.
     */
    @ParameterizedTest(name = "{0} {1} p={2} c={3} has order {4}")
    @CsvSource({"sa_solver, data_prediction, 1, 0, 1", "sa_solver, data_prediction, 2, 0, 2", "sa_solver, noise_prediction, 2, 0, 2",
            "sa_solver, data_prediction, 1, 2, 2", "sa_solver, data_prediction, 3, 4, 4", "sa_solver_pece, data_prediction, 1, 2, 2"})
    void observedOrderMatchesTheory(String sampler, String algorithm, int p, int c, int order) {
        Sampler s = sampler.equals("sa_solver") ? new SaSolver() : new SaSolverPece();
        Map<String, Object> o = Map.of("eta", 0.0, "predictor_order", p, "corrector_order", c, "algorithm", algorithm);
        double e64 = ConvergenceOrderTest.error(s, o, 64);
        double e128 = ConvergenceOrderTest.error(s, o, 128);
        double observed = Math.log(e64 / e128) / Math.log(2);
        assertEquals(order, observed, 0.35, o + ": errors " + e64 + " (n=64), " + e128 + " (n=128)");
    }
}
