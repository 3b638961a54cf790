package org.sampler4j.plugins.samplers;

import static org.sampler4j.plugins.samplers.SamplerTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplingContext;

/** ddim, ddpm, plms, flow_euler, flow_heun, edm_euler: invariants and the identities with the k-diffusion samplers. */
class DdpmFlowSamplersTest {



    private static Latent run(Sampler s, Denoiser model, double[] sigmas, Map<String, ?> options, int[] draws) {
        Latent x = randomLatent(1234, sigmas[0]);
        return s.sample(model, x, sigmas, s.options(options), seededNoise(5, (sg, sn) -> draws[0]++));
    }

    private static Latent run(Sampler s, Denoiser model, Map<String, ?> options) {
        return run(s, model, KARRAS_10, options, new int[1]);
    }

    /** The RK4 warm-up's sigma list: each of the first three steps gets its geometric midpoint. */
    private static double[] withMidpoints(double[] sigmas) {
        double[] out = new double[sigmas.length + 3];
        for (int i = 0, j = 0; i < sigmas.length; i++) {
            out[j++] = sigmas[i];
            if (i < 3) out[j++] = Math.sqrt(sigmas[i] * sigmas[i + 1]);
        }
        return out;
    }

    @Test
    void constantDenoiserGivesTheConstant() {
        Latent c = randomLatent(99, 1.0);
        Denoiser constant = (x, sigma) -> c;
        List<Object[]> cases = List.of(new Object[] {new Ddim(), Map.of()}, new Object[] {new Ddim(), Map.of("eta", 1.0)},
                new Object[] {new Ddpm(), Map.of()}, new Object[] {new Ddpm(), Map.of("variance", "fixed_large")},
                new Object[] {new Plms(), Map.of()}, new Object[] {new FlowEuler(), Map.of("stochastic", true)},
                new Object[] {new FlowHeun(), Map.of()}, new Object[] {new EdmEuler(), Map.of()});
        for (Object[] k : cases) {
            Sampler s = (Sampler) k[0];
            assertArrayEquals(c.toDoubleArray(), run(s, constant, (Map<String, ?>) k[1]).toDoubleArray(), 1e-12, s.info().id() + " " + k[1]);
        }
        double[] rk = withMidpoints(KARRAS_10);
        assertArrayEquals(c.toDoubleArray(), run(new Plms(), constant, rk, Map.of("warmup", "rk4"), new int[1]).toDoubleArray(), 1e-12, "plms rk4");
    }

    @Test
    void ddimIsEulerAncestralInTheVeFrame() {
        GaussianMixture gmm = GaussianMixture.golden();
        assertArrayEquals(run(new Euler(), gmm, Map.of()).toDoubleArray(), run(new Ddim(), gmm, Map.of()).toDoubleArray(), 1e-12);
        for (double eta : new double[] {0.5, 1.0}) {
            int[] ddimDraws = new int[1];
            int[] ancestralDraws = new int[1];
            double[] ddim = run(new Ddim(), gmm, KARRAS_10, Map.of("eta", eta), ddimDraws).toDoubleArray();
            double[] ancestral = run(new EulerAncestral(), gmm, KARRAS_10, Map.of("eta", eta, "reference", Churn.DIFFUSERS), ancestralDraws).toDoubleArray();
            assertArrayEquals(ancestral, ddim, 1e-12, "eta " + eta);
            // diffusers' DDIM draws on every step, the last one included
            assertEquals(KARRAS_10.length - 1, ddimDraws[0]);
        }
    }

    @Test
    void ddpmFixedSmallIsEulerAncestralWithEtaOne() {
        GaussianMixture gmm = GaussianMixture.golden();
        int[] draws = new int[1];
        double[] ddpm = run(new Ddpm(), gmm, KARRAS_10, Map.of(), draws).toDoubleArray();
        assertArrayEquals(run(new EulerAncestral(), gmm, Map.of("eta", 1.0)).toDoubleArray(), ddpm, 1e-12);
        assertEquals(KARRAS_10.length - 2, draws[0], "comfyui: no noise on the step to sigma 0");
        assertArrayEquals(ddpm, run(new Ddpm(), gmm, Map.of("variance", "fixed_small_log")).toDoubleArray(), 1e-12);
    }

    @Test
    void ddpmDiffusersDrawsOnStepsAboveTheNoiseFloor() {
        GaussianMixture gmm = GaussianMixture.golden();
        int[] all = new int[1];
        run(new Ddpm(), gmm, KARRAS_10, Map.of("reference", "diffusers"), all);
        assertEquals(KARRAS_10.length - 1, all[0], "the last step starts above 0, so it draws (scaled by 0)");
        int[] floor = new int[1];
        run(new Ddpm(), gmm, KARRAS_10, Map.of("reference", "diffusers", "noise_sigma_min", 0.05), floor);
        assertEquals(KARRAS_10.length - 2, floor[0], "the step from 0.029 is at timestep 0");
    }

    @Test
    void ddpmFixedLargeAddsTheForwardVariance() {
        // one step from s to s': mean (s'^2/s^2) x + (1 - s'^2/s^2) D, noise scale sqrt((s^2 - s'^2)(1 + s'^2)/(1 + s^2))
        Latent c = randomLatent(99, 1.0);
        double s = 2;
        double sn = 1;
        Latent x = randomLatent(1234, s);
        Latent z = randomLatent(77, 1.0);
        Latent out = new Ddpm().sample((y, sigma) -> c, x, new double[] {s, sn}, new Ddpm().options(Map.of("variance", "fixed_large")),
                SamplingContext.of((a, b, like) -> z));
        double keep = sn * sn / (s * s);
        double[] expected = Latents.sum(keep, x, 1 - keep, c, Math.sqrt((s * s - sn * sn) * (1 + sn * sn) / (1 + s * s)), z).toDoubleArray();
        assertArrayEquals(expected, out.toDoubleArray(), 1e-12);
    }

    /** Error of the final sample against the exact probability-flow ODE for zero-mean Gaussian data of variance v. */
    private static double gaussianOdeError(Sampler s, double[] sigmas, Map<String, ?> options) {
        double v = 0.7;
        Denoiser d = (x, sigma) -> Latents.scale(v / (v + sigma * sigma), x);
        Latent x0 = randomLatent(1234, sigmas[0]);
        double[] got = s.sample(d, x0, sigmas, s.options(options), SamplingContext.deterministic()).toDoubleArray();
        double last = sigmas[sigmas.length - 1];
        double scale = Math.sqrt((v + last * last) / (v + sigmas[0] * sigmas[0]));
        double[] start = x0.toDoubleArray();
        double err = 0;
        for (int i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - scale * start[i]));
        return err;
    }

    @Test
    void plmsIsHigherOrderThanEuler() {
        double[] sigmas = new double[21];
        for (int i = 0; i <= 20; i++) sigmas[i] = 10 * Math.pow(0.75, i);
        double euler = gaussianOdeError(new Euler(), sigmas, Map.of());
        double heun = gaussianOdeError(new Plms(), sigmas, Map.of());
        double rk4 = gaussianOdeError(new Plms(), withMidpoints(sigmas), Map.of("warmup", "rk4"));
        assertTrue(heun < euler / 10, "plms heun warm-up " + heun + " vs euler " + euler);
        assertTrue(rk4 < euler / 10, "plms rk4 warm-up " + rk4 + " vs euler " + euler);
    }

    /** {@code (s0, s1, s1, s2, ...)}; with {@code heunCorrector} the first pair twice (plms: one pair per model call). */
    private static double[] chainedPairs(double[] sigmas, boolean heunCorrector) {
        int extra = heunCorrector ? 1 : 0;
        double[] out = new double[2 * (sigmas.length - 1 + extra)];
        for (int k = 0, j = 0; k < sigmas.length - 1; k++) {
            for (int r = 0; r < (k == 0 ? 1 + extra : 1); r++) {
                out[j++] = sigmas[k];
                out[j++] = sigmas[k + 1];
            }
        }
        return out;
    }

    @Test
    void pairedStepsThatChainAreTheSigmaList() {
        GaussianMixture gmm = GaussianMixture.golden();
        int[] draws = new int[1];
        int[] pairedDraws = new int[1];
        double[] ddim = run(new Ddim(), gmm, KARRAS_10, Map.of("eta", 0.5), draws).toDoubleArray();
        double[] pairedDdim = run(new Ddim(), gmm, chainedPairs(KARRAS_10, false), Map.of("eta", 0.5, "paired", true), pairedDraws).toDoubleArray();
        assertArrayEquals(ddim, pairedDdim, 1e-12, "ddim");
        assertEquals(draws[0], pairedDraws[0]);
        for (String history : new String[] {"noise", "v"}) {
            double[] plms = run(new Plms(), gmm, KARRAS_10, Map.of("history", history), new int[1]).toDoubleArray();
            double[] paired = run(new Plms(), gmm, chainedPairs(KARRAS_10, true), Map.of("history", history, "paired", true), new int[1]).toDoubleArray();
            assertArrayEquals(plms, paired, 1e-12, "plms " + history);
        }
    }

    @Test
    void pairedDdimKeepsTheVpSampleBetweenSteps() {
        GaussianMixture gmm = GaussianMixture.golden();
        double[] pairs = {14.6, 5.0, 4.2, 1.1, 0.9, 0};
        Latent x = randomLatent(1234, pairs[0]);
        Latent got = new Ddim().sample(gmm, x, pairs, new Ddim().options(Map.of("paired", true)), SamplingContext.deterministic());
        Latent y = x;
        for (int k = 0; k < pairs.length / 2; k++) {
            if (k > 0) y = Latents.scale(Math.sqrt((1 + pairs[2 * k] * pairs[2 * k]) / (1 + pairs[2 * k - 1] * pairs[2 * k - 1])), y);
            double s = pairs[2 * k];
            double sn = pairs[2 * k + 1];
            y = Latents.sum(sn / s, y, 1 - sn / s, gmm.denoise(y, s));
        }
        assertArrayEquals(y.toDoubleArray(), got.toDoubleArray(), 1e-12);
    }

    @Test
    void velocityHistoryCombinesTheVOutputsInTheVpFrame() {
        // diffusers PNDM, v_prediction: eps = sqrt(a) (w1 v1 + w2 v2) + sqrt(1 - a) x_vp at the step's start, then the DDIM step
        Latent x = randomLatent(1, 3.0);
        Latent x1 = randomLatent(2, 5.0);
        Latent v1 = randomLatent(3, 1.0);
        Latent v2 = randomLatent(4, 1.0);
        double s1 = 5.0;
        double s = 3.0;
        double sn = 1.5;
        double a = 1 / Math.sqrt(1 + s * s);
        double b = s * a;
        Latent d1 = Latents.sum(1 / (1 + s1 * s1), x1, -s1 / Math.sqrt(1 + s1 * s1), v1);
        Latent d2 = Latents.sum(1 / (1 + s * s), x, -s / Math.sqrt(1 + s * s), v2);
        List<Latent> values = List.of(PndmHistory.VELOCITY.value(x, s, d2, LatentRing.none()), PndmHistory.VELOCITY.value(x1, s1, d1, LatentRing.none()));
        double[] w = {1.5, -0.5};
        Latent got = PndmHistory.VELOCITY.step(x, s, sn, w, values, LatentRing.none());
        Latent xVp = Latents.scale(a, x);
        Latent eps = Latents.sum(a * w[0], v2, a * w[1], v1, b, xVp);
        Latent x0 = Latents.sum(1 / a, xVp, -b / a, eps);
        Latent expected = Latents.sum(1, x0, sn, eps); // VE frame: x0 + sigma' eps
        assertArrayEquals(expected.toDoubleArray(), got.toDoubleArray(), 1e-12);
    }

    @Test
    void flowSamplersAreExactOnALinearFlow() {
        // x = (1 - sigma) x0 + sigma n with D = x0: every step stays on the straight line
        Latent x0 = randomLatent(99, 1.0);
        Latent n = randomLatent(1234, 1.0);
        double[] sigmas = {1.0, 0.8, 0.55, 0.3};
        double[] expected = Latents.sum(0.7, x0, 0.3, n).toDoubleArray();
        for (Sampler s : List.of(new FlowEuler(), new FlowHeun())) {
            Latent out = s.sample((x, sigma) -> x0, n, sigmas, s.options(Map.of()), SamplingContext.deterministic());
            assertArrayEquals(expected, out.toDoubleArray(), 1e-12, s.info().id());
        }
    }

    @Test
    void flowHeunIsSecondOrder() {
        // Gaussian data in the flow frame: D = x (1 - s) v / ((1 - s)^2 v + s^2); errors shrink ~4x per halving of h
        double v = 0.5;
        Denoiser d = (x, s) -> Latents.scale((1 - s) * v / ((1 - s) * (1 - s) * v + s * s), x);
        double[] e = new double[2];
        for (int k = 0; k < 2; k++) {
            int n = 8 << k;
            double[] sigmas = new double[n + 1];
            for (int i = 0; i <= n; i++) sigmas[i] = 1 - 0.9 * i / n;
            Latent x = randomLatent(1234, 1.0);
            double[] got = new FlowHeun().sample(d, x, sigmas, new FlowHeun().options(Map.of()), SamplingContext.deterministic()).toDoubleArray();
            // exact: x(s) = x(1) sqrt((1-s)^2 v + s^2), the ratio of the marginal stds at s and at 1
            double scale = Math.sqrt(0.81 * v + 0.01);
            double[] start = x.toDoubleArray();
            for (int i = 0; i < got.length; i++) e[k] = Math.max(e[k], Math.abs(got[i] - scale * start[i]));
        }
        assertTrue(e[1] < e[0] / 3, "errors " + e[0] + " -> " + e[1]);
    }

    @Test
    void edmEulerReusesTheNetworkOutputAtSigmaHat() {
        // with a network output that does not depend on its input, re-preconditioning F at sigma_hat is exact, so
        // diffusers' ordering equals Karras et al.'s (model at x_hat, sigma_hat) with the same noise
        double sd = 0.5;
        Latent f = randomLatent(99, 1.0);
        Denoiser edm = (x, s) -> Latents.sum(sd * sd / (s * s + sd * sd), x, s * sd / Math.sqrt(s * s + sd * sd), f);
        Map<String, Object> churn = Map.of("s_churn", 2.0, "s_tmin", 0.05, "s_tmax", 10.0);
        int[] a = new int[1];
        int[] b = new int[1];
        double[] karras = run(new Euler(), edm, KARRAS_10, churn, a).toDoubleArray();
        double[] diffusers = run(new EdmEuler(), edm, KARRAS_10, churn, b).toDoubleArray();
        assertArrayEquals(karras, diffusers, 1e-12);
        assertEquals(a[0], b[0]);
        assertTrue(b[0] > 0);
    }
}
