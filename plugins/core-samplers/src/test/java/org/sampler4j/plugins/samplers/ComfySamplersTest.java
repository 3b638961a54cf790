package org.sampler4j.plugins.samplers;

import org.sampler4j.api.math.LmsCoefficients;
import static org.sampler4j.plugins.samplers.SamplerTestSupport.*;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplingContext;

/** ComfyUI's own samplers: ipndm(_v), res_multistep(_ancestral), gradient_estimation, heunpp2, exp_heun_2_x0(_sde), seeds_2/3. */
class ComfySamplersTest {



    private static double[] run(Sampler s, Denoiser model, Map<String, ?> options, List<double[]> draws) {
        Latent x = randomLatent(1234, KARRAS_10[0]);
        return s.sample(model, x, KARRAS_10, s.options(options), seededNoise(5, (sg, sn) -> draws.add(new double[] {sg, sn}))).toDoubleArray();
    }

    private static double[] run(Sampler s, Map<String, ?> options) {
        return run(s, GaussianMixture.golden(), options, new ArrayList<>());
    }

    @Test
    void constantDenoiserGivesTheConstant() {
        Latent c = randomLatent(99, 1.0);
        Denoiser constant = (x, sigma) -> c;
        List<Sampler> all = List.of(new Ipndm(), new IpndmV(), new ResMultistep(), new ResMultistepAncestral(), new GradientEstimation(),
                new Heunpp2(), new ExpHeun2X0(), new ExpHeun2X0Sde(), new Seeds2(), new Seeds3());
        for (Sampler s : all) {
            boolean hasEta = s.info().options().stream().anyMatch(o -> o.name().equals("eta"));
            Map<String, ?> opts = hasEta ? Map.of("eta", 0.0) : Map.of();
            assertArrayEquals(c.toDoubleArray(), run(s, constant, opts, new ArrayList<>()), 1e-12, s.info().id());
        }
    }

    @Test
    void deterministicOnesNeedNoNoise() {
        Latent x = randomLatent(1234, KARRAS_10[0]);
        for (Sampler s : List.of(new Ipndm(), new IpndmV(), new GradientEstimation(), new ExpHeun2X0())) {
            s.sample(GaussianMixture.golden(), x, KARRAS_10, s.options(Map.of()), SamplingContext.deterministic());
        }
    }

    @Test
    void parameterisationsAgree() {
        assertArrayEquals(run(new ResMultistep(), Map.of()), run(new ResMultistepAncestral(), Map.of("eta", 0.0)), 0, "res_multistep");
        assertArrayEquals(run(new ExpHeun2X0(), Map.of()), run(new ExpHeun2X0Sde(), Map.of("eta", 0.0)), 0, "exp_heun_2_x0");
        assertArrayEquals(run(new ExpHeun2X0(), Map.of()), run(new Seeds2(), Map.of("eta", 0.0, "r", 1.0, "solver_type", "phi_2")), 0, "seeds_2 r=1");
        // ge_gamma = 1.5 is the constant-step AB2 of ipndm with max_order 2 (both return the denoised estimate at sigma 0)
        assertArrayEquals(run(new Ipndm(), Map.of("max_order", 2)), run(new GradientEstimation(), Map.of("ge_gamma", 1.5)), 1e-12, "gradient_estimation");
        assertArrayEquals(run(new Ipndm(), Map.of("max_order", 1)), run(new GradientEstimation(), Map.of("ge_gamma", 1.0)), 1e-12, "euler");
    }

    @Test
    void ipndmVariableStepCoefficients() {
        double[] uniform = {10, 9, 8, 7, 6, 5};
        for (int order = 1; order <= 3; order++) {
            assertArrayEquals(AdamsBashforth.fixedStep(uniform, 3, order), AdamsBashforth.comfyVariableStep(uniform, 3, order), 1e-14, "order " + order);
        }
        // ComfyUI's order-4 formula: 57/24 on the current derivative where AB4 has 55/24 (still consistent: sum 1)
        double[] c4 = AdamsBashforth.comfyVariableStep(uniform, 3, 4);
        assertEquals(57 / 24.0, c4[0], 1e-14);
        assertEquals(1.0, Arrays.stream(c4).sum(), 1e-14);
        // order 2 is the exact variable-step AB2; order 3 is not the exact variable-step AB3
        assertArrayEquals(LmsCoefficients.of(KARRAS_10, 4, 2), scaled(AdamsBashforth.comfyVariableStep(KARRAS_10, 4, 2), KARRAS_10[5] - KARRAS_10[4]), 1e-14);
        double[] exact3 = LmsCoefficients.of(KARRAS_10, 4, 3);
        double[] comfy3 = scaled(AdamsBashforth.comfyVariableStep(KARRAS_10, 4, 3), KARRAS_10[5] - KARRAS_10[4]);
        assertFalse(Math.abs(exact3[0] - comfy3[0]) < 1e-3, Arrays.toString(exact3) + " vs " + Arrays.toString(comfy3));
    }

    private static double[] scaled(double[] c, double h) {
        double[] out = c.clone();
        for (int i = 0; i < out.length; i++) out[i] *= h;
        return out;
    }

    @Test
    void noiseDrawsFollowComfyUi() {
        int steps = KARRAS_10.length - 1;
        // seeds: one draw per stage on every step but the last; the first from sigma_i, the last to sigma_{i+1}
        List<double[]> draws = new ArrayList<>();
        run(new Seeds3(), GaussianMixture.golden(), Map.of(), draws);
        assertEquals(3 * (steps - 1), draws.size());
        assertEquals(KARRAS_10[0], draws.get(0)[0]);
        assertEquals(KARRAS_10[1], draws.get(2)[1], 1e-15);
        // exp_heun_2_x0_sde: 2 draws per step (the second with weight 0); res_multistep and heunpp2 draw unused noise as ComfyUI
        draws.clear();
        run(new ExpHeun2X0Sde(), GaussianMixture.golden(), Map.of(), draws);
        assertEquals(2 * (steps - 1), draws.size());
        draws.clear();
        run(new ResMultistep(), GaussianMixture.golden(), Map.of(), draws);
        assertEquals(steps - 1, draws.size());
        draws.clear();
        run(new Heunpp2(), GaussianMixture.golden(), Map.of(), draws);
        assertEquals(steps, draws.size());
        draws.clear();
        run(new Seeds2(), GaussianMixture.golden(), Map.of("s_noise", 0.0), draws);
        assertEquals(0, draws.size());
    }
}
