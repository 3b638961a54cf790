package org.sampler4j.plugins.samplers;

import org.sampler4j.api.math.LmsCoefficients;
import static org.sampler4j.plugins.samplers.SamplerTestSupport.*;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplingContext;

/** euler_ancestral, heun, dpm_2, dpm_2_ancestral, lms, dpm_fast, dpm_adaptive: invariants and exact coefficients. */
class CoreSamplersATest {



    private static Latent run(Sampler s, Denoiser model, Map<String, ?> options, long noiseSeed) {
        Latent x = randomLatent(1234, KARRAS_10[0]);
        return s.sample(model, x, KARRAS_10, s.options(options), seededNoise(noiseSeed));
    }

    @Test
    void constantDenoiserGivesTheConstant() {
        Latent c = randomLatent(99, 1.0);
        Denoiser constant = (x, sigma) -> c;
        for (Sampler s : List.of(new EulerAncestral(), new Heun(), new Dpm2(), new Dpm2Ancestral(), new Lms())) {
            for (String ref : List.of(Churn.COMFYUI, Churn.K_DIFFUSION)) {
                Map<String, ?> opts = s.info().options().stream().anyMatch(o -> o.name().equals("reference")) ? Map.of("reference", ref) : Map.of();
                assertArrayEquals(c.toDoubleArray(), run(s, constant, opts, 5).toDoubleArray(), 1e-12, s.info().id() + " " + ref);
            }
        }
    }

    @Test
    void dpmSolverSamplersWithAConstantDenoiserFollowTheExactOdeToSigmaMin() {
        // they stop at the last non-zero sigma, where the exact solution is c + (x0 - c) sigma_min / sigma_max
        Latent c = randomLatent(99, 1.0);
        Latent x0 = randomLatent(1234, KARRAS_10[0]);
        double ratio = KARRAS_10[KARRAS_10.length - 2] / KARRAS_10[0];
        double[] expected = Latents.sum(1 - ratio, c, ratio, x0).toDoubleArray();
        for (Sampler s : List.of(new DpmFast(), new DpmAdaptive())) {
            assertArrayEquals(expected, run(s, (x, sigma) -> c, Map.of(), 5).toDoubleArray(), 1e-11, s.info().id());
        }
    }

    @Test
    void eulerAncestralWithEtaZeroIsEuler() {
        GaussianMixture gmm = GaussianMixture.golden();
        double[] euler = run(new Euler(), gmm, Map.of(), 7).toDoubleArray();
        for (String ref : List.of(Churn.COMFYUI, Churn.K_DIFFUSION)) {
            double[] ancestral = run(new EulerAncestral(), gmm, Map.of("eta", 0.0, "reference", ref), 7).toDoubleArray();
            assertArrayEquals(euler, ancestral, 1e-12, ref);
        }
    }

    @Test
    void eulerAncestralReferencesDifferOnlyWhereSigmaDownIsZero() {
        // eta = 2 caps sigma_up at sigma_next on every step of KARRAS_10, so sigma_down = 0 throughout:
        // ComfyUI returns the denoised estimate without noise, k-diffusion adds sigma_up noise before the last step
        GaussianMixture gmm = GaussianMixture.golden();
        int[] draws = new int[1];
        SamplingContext counting = SamplingContext.of((s, sn, like) -> {
            draws[0]++;
            return like.withValues(new double[like.size()]);
        });
        Sampler ea = new EulerAncestral();
        Latent x = randomLatent(1234, KARRAS_10[0]);
        ea.sample(gmm, x, KARRAS_10, ea.options(Map.of("eta", 2.0, "reference", Churn.COMFYUI)), counting);
        assertEquals(0, draws[0]);
        ea.sample(gmm, x, KARRAS_10, ea.options(Map.of("eta", 2.0, "reference", Churn.K_DIFFUSION)), counting);
        assertEquals(KARRAS_10.length - 2, draws[0]);
    }

    @Test
    void lmsCoefficientsMatchTheReferenceQuadrature() {
        // k-diffusion linear_multistep_coeff (scipy quad) on KARRAS_10, steps 3 and 9 (the last, to sigma = 0)
        double[][] expected = {{-2.2388997557898116, 1.124062426866652, -0.34368638625961445, 0.03933636355861814},
                {-0.04216896666844344, 0.015504652346131886, -0.0026609378109147394, 0.0001577521332262862}};
        int[] steps = {3, 9};
        for (int k = 0; k < steps.length; k++) {
            double[] c = LmsCoefficients.of(KARRAS_10, steps[k], 4);
            for (int j = 0; j < 4; j++) assertEquals(expected[k][j], c[j], 1e-13 * Math.abs(expected[k][j]), "step " + steps[k] + " c" + j);
        }
        assertArrayEquals(new double[] {KARRAS_10[1] - KARRAS_10[0]}, LmsCoefficients.of(KARRAS_10, 0, 1), 0.0);
    }

    @Test
    void dpmFastSpendsExactlyTheStepCountInModelCalls() {
        for (int nfe = 1; nfe <= 12; nfe++) {
            assertEquals(nfe, Arrays.stream(DpmFast.orders(nfe)).sum(), "nfe " + nfe);
        }
        assertArrayEquals(new int[] {3, 3, 3, 1}, DpmFast.orders(10));
        assertArrayEquals(new int[] {3, 2, 1}, DpmFast.orders(6));
    }
}
