package org.sampler4j.plugins.samplers;

import static org.sampler4j.plugins.samplers.SamplerTestSupport.*;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplingContext;

/** uni_pc, uni_pc_bh2, deis: invariants, the special cases of the references, and exact coefficients. */
class UniPcDeisTest {


    private static double[] run(Sampler s, Denoiser model, double[] sigmas, Map<String, ?> options) {
        return s.sample(model, randomLatent(1234, sigmas[0]), sigmas, s.options(options), SamplingContext.deterministic()).toDoubleArray();
    }

    @Test
    void constantDenoiserGivesTheConstant() {
        Latent c = randomLatent(99, 1.0);
        Denoiser constant = (x, sigma) -> c;
        for (String variant : List.of("bh1", "bh2")) {
            for (boolean x0 : List.of(true, false)) {
                for (int order = 1; order <= 3; order++) {
                    Map<String, Object> o = new HashMap<>(Map.of("variant", variant, "predict_x0", x0, "order", order));
                    assertArrayEquals(c.toDoubleArray(), run(new UniPc(), constant, KARRAS_10, o), 1e-12, "uni_pc " + o);
                    // ComfyUI stops at sigma 0.001: the exact ODE solution there, x = c + (x_init - c) 0.001 / sigma_0
                    o.put("reference", "comfyui");
                    double[] init = randomLatent(1234, KARRAS_10[0]).toDoubleArray();
                    double[] expected = c.toDoubleArray();
                    for (int i = 0; i < expected.length; i++) expected[i] += (init[i] - expected[i]) * 0.001 / KARRAS_10[0];
                    assertArrayEquals(expected, run(new UniPc(), constant, KARRAS_10, o), 1e-12, "uni_pc " + o);
                }
            }
        }
        for (String mode : List.of("tab", "logrho")) {
            for (String ref : List.of("sampler4j", "comfyui")) {
                for (int order = 1; order <= 3; order++) {
                    Map<String, Object> o = Map.of("deis_mode", mode, "reference", ref, "order", order);
                    assertArrayEquals(c.toDoubleArray(), run(new Deis(), constant, KARRAS_10, o), 1e-12, "deis " + o);
                }
            }
        }
    }

    @Test
    void uniPcBh2IsAPresetOfUniPc() {
        GaussianMixture gmm = GaussianMixture.golden();
        assertArrayEquals(run(new UniPc(), gmm, KARRAS_10, Map.of("variant", "bh2")), run(new UniPcBh2(), gmm, KARRAS_10, Map.of()), 0.0);
        assertEquals("bh2", new UniPcBh2().options(Map.of()).choice("variant"));
        assertEquals("bh1", new UniPc().options(Map.of()).choice("variant"));
    }

    @Test
    void uniP2WithoutCorrectorIsDpmSolverPlusPlus2m() {
        // B2(h) = e^-h - 1 and rho = 1/2 make UniP-2 the DPM-Solver++(2M) update (Zhao et al. 2023, Sec. 3.2)
        GaussianMixture gmm = GaussianMixture.golden();
        double[] unip = run(new UniPc(), gmm, KARRAS_10, Map.of("variant", "bh2", "order", 2, "disable_corrector", (1 << 30) - 1 + (1 << 30)));
        assertArrayEquals(run(new Dpmpp2m(), gmm, KARRAS_10, Map.of()), unip, 1e-12);
    }

    @Test
    void stepToSigmaZero() {
        GaussianMixture gmm = GaussianMixture.golden();
        // diffusers evaluates the last step literally: B1(h) = -inf times an empty residual is NaN (loops.json ends in NaN)
        for (double v : run(new UniPc(), gmm, KARRAS_5, Map.of("reference", "diffusers"))) assertTrue(Double.isNaN(v));
        for (double v : run(new UniPc(), gmm, KARRAS_5, Map.of("reference", "diffusers", "predict_x0", false))) assertTrue(Double.isNaN(v));
        double[] bh2 = run(new UniPc(), gmm, KARRAS_5, Map.of("reference", "diffusers", "variant", "bh2"));
        assertArrayEquals(bh2, run(new UniPc(), gmm, KARRAS_5, Map.of("variant", "bh2")), 1e-12);
        for (double v : run(new UniPc(), gmm, KARRAS_5, Map.of())) assertTrue(Double.isFinite(v));
        for (double v : run(new UniPc(), gmm, KARRAS_5, Map.of("predict_x0", false))) assertTrue(Double.isFinite(v));
    }

    @Test
    void correctorWeightsSolveTheOrderConditions() {
        double hh = -0.7;
        double bh = UniPcCoefficients.bh("bh1", hh);
        double[] r = {-0.8, -1.9};
        double[] b = UniPcCoefficients.b(hh, bh, 3);
        double[] rho = UniPcCoefficients.corrector(r, b);
        double[] nodes = {-0.8, -1.9, 1.0};
        for (int i = 0; i < 3; i++) {
            double s = 0;
            for (int k = 0; k < 3; k++) s += rho[k] * Math.pow(nodes[k], i);
            assertEquals(b[i], s, 1e-14);
        }
        // b_1 = (e^hh - 1 - hh) / (hh B(h)) (hh phi_2)
        assertEquals((Math.expm1(hh) - hh) / (hh * bh), b[0], 1e-15);
    }

    /** ComfyUI's deis_coeff_list for karras/5 (golden samplers.json aux, rows 1-3). */
    private static final double[][] COMFY_TAB = {{-5.5166042347287245, 1.9940810543037215},
            {-1.844234439420137, 1.415124410227367, -0.5970536208703205},
            {-0.2685643098548981, 0.06647882792946046, -0.016698665142456857}};

    @Test
    void deisTabCoefficientsRiemannSumAndExactIntegral() {
        for (int i = 1; i <= 3; i++) {
            int p = Math.min(3, i + 1);
            double[] riemann = DeisCoefficients.tabRiemann(KARRAS_5, i, p);
            double[] exact = DeisCoefficients.tab(KARRAS_5, i, p);
            double riemannSum = 0;
            double exactSum = 0;
            for (int j = 0; j < p; j++) {
                assertEquals(COMFY_TAB[i - 1][j], riemann[j], 1e-12 * Math.abs(COMFY_TAB[i - 1][j]), "row " + i);
                assertEquals(riemann[j], exact[j], 3e-4 * Math.abs(riemann[j]), "row " + i);
                riemannSum += riemann[j];
                exactSum += exact[j];
            }
            double step = KARRAS_5[i + 1] - KARRAS_5[i];
            // the basis sums to 1, so the exact coefficients integrate 1: sum = sigma_next - sigma; the Riemann sum misses (1e-7 to 1e-4)
            assertEquals(step, exactSum, 1e-14 * Math.abs(step));
            double miss = Math.abs(riemannSum / step - 1);
            assertTrue(miss > 1e-8 && miss < 1e-3, "Riemann sum off by " + miss);
        }
    }

    @Test
    void deisLogRhoClosedFormMatchesQuadrature() {
        for (int i = 2; i <= 8; i++) {
            double[] closed = DeisCoefficients.logRho(KARRAS_10, i, 3);
            double[] u = {Math.log(KARRAS_10[i]), Math.log(KARRAS_10[i - 1]), Math.log(KARRAS_10[i - 2])};
            for (int j = 0; j < 3; j++) {
                // composite Simpson in sigma of L_j(log sigma)
                int m = 20_000;
                double a = KARRAS_10[i];
                double h = (KARRAS_10[i + 1] - a) / m;
                double sum = 0;
                for (int k = 0; k <= m; k++) sum += (k == 0 || k == m ? 1 : k % 2 == 1 ? 4 : 2) * basis(u, j, Math.log(a + k * h));
                assertEquals(sum * h / 3, closed[j], 1e-10 * Math.abs(closed[j]) + 1e-13, "step " + i + " c" + j);
            }
        }
    }

    private static double basis(double[] nodes, int j, double v) {
        double l = 1;
        for (int k = 0; k < nodes.length; k++) if (k != j) l *= (v - nodes[k]) / (nodes[j] - nodes[k]);
        return l;
    }
}
