package org.sampler4j.api.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.schedule.generators.ComfyModelSampling;
import org.sampler4j.api.schedule.generators.ComfySchedulers;
import org.sampler4j.api.schedule.generators.Dtype;
import org.sampler4j.api.schedule.generators.KDiffusionSigmas;

class ComfyRemapsTest {
    private static final DiscreteNoiseModel SD = DiscreteNoiseModel.sd15();
    private static final ComfyModelSampling TABLE = ComfyModelSampling.sd15();

    @Test
    void canonicalTextRoundTrips() {
        for (String text : new String[] {
            "linspace(10).simple()", "linspace(10).sgm_uniform()", "linspace(10).normal()", "linspace(10).ddim_uniform()",
            "linspace(10).comfy_beta()", "linspace(10).comfy_beta(alpha=0.5, beta=0.7)",
            "trailing(8).linear_quadratic()", "trailing(8).linear_quadratic(threshold_noise=0.05, linear_steps=3, sigma_max=10)",
            "linspace(5).kl_optimal()", "linspace(5).kl_optimal(sigma_min=0.1, sigma_max=12.5)",
            "linspace(6).vp()", "linspace(6).vp(beta_d=10, beta_min=0.5, eps_s=0.01)",
            "linspace(4).laplace()", "linspace(4).laplace(mu=0.5, beta=1, sigma_min=0.03, sigma_max=14)",
            "linspace(10).normal().denoise(0.5)"}) {
            ScheduleSpec spec = Schedule.parse(text);
            assertEquals(text, ScheduleText.print(spec), text);
            assertEquals(spec, Schedule.parse(ScheduleText.print(spec)), text);
        }
        // positional arguments bind in the declared order
        assertEquals(Schedule.parse("linspace(10).comfy_beta(alpha=0.5, beta=0.7)"), Schedule.parse("linspace(10).comfy_beta(0.5, 0.7)"));
    }

    @Test
    void tableRemapsGiveComfyUiSigmas() {
        assertArrayEquals(ComfySchedulers.normal(TABLE, 10, true), Schedule.parse("linspace(10).sgm_uniform()").resolve(SD).sigmas());
        assertArrayEquals(ComfySchedulers.normal(TABLE, 7, false), Schedule.parse("leading(7).normal()").resolve(SD).sigmas());
        assertArrayEquals(ComfySchedulers.simple(TABLE, 12), Schedule.parse("trailing(12).simple()").resolve(SD).sigmas());
        assertArrayEquals(ComfySchedulers.beta(TABLE, 20, 0.5, 0.7), Schedule.parse("linspace(20).comfy_beta(0.5, 0.7)").resolve(SD).sigmas());
        assertArrayEquals(ComfySchedulers.klOptimal(9, TABLE.sigmaMin(), TABLE.sigmaMax()),
                Schedule.parse("linspace(9).kl_optimal(sigma_min=" + TABLE.sigmaMin() + ", sigma_max=" + TABLE.sigmaMax() + ")").resolve(SD).sigmas());
    }

    @Test
    void ddimUniformDecidesItsOwnStepCount() {
        Schedule s = Schedule.parse("linspace(11).ddim_uniform()").resolve(SD);
        assertEquals(12, s.steps()); // stride 1000 // 11 = 90 from index 1 gives 12 table entries
        assertArrayEquals(ComfySchedulers.ddimUniform(TABLE, 11), s.sigmas());
    }

    @Test
    void denoiseMatchesComfyUiKSampler() {
        for (String name : new String[] {"normal", "simple", "sgm_uniform"}) {
            double[] dsl = Schedule.parse("linspace(10)." + name + "().denoise(0.5)").resolve(SD).sigmas();
            assertArrayEquals(ComfySchedulers.ksampler(TABLE, name, "euler", 10, 0.5), dsl, name);
        }
    }

    @Test
    void endpointRemapsUseTheSpacedEnds() {
        Schedule s = Schedule.parse("linspace(8).laplace()").resolve(SD);
        double[] base = Schedule.parse("linspace(8)").resolve(SD).sigmas();
        double[] expected = Numerics.append(KDiffusionSigmas.laplace(8, base[7], base[0], 0, 0.5, Dtype.FLOAT64), 0);
        assertArrayEquals(expected, s.sigmas());
        double[] vp = Schedule.parse("linspace(5).vp()").resolve(SD).sigmas();
        assertArrayEquals(KDiffusionSigmas.vp(5, 19.9, 0.1, 1e-3, Dtype.FLOAT64, true), vp);
    }

    @Test
    void errorsNameTheFix() {
        NoiseModel flow = FlowNoiseModel.builder().build();
        ScheduleException e = assertThrows(ScheduleException.class, () -> Schedule.parse("linspace(10).simple()").resolve(flow));
        assertTrue(e.getMessage().contains("karras()"), e.getMessage());
        e = assertThrows(ScheduleException.class, () -> Schedule.parse("linspace(10).sgm_unifrom()"));
        assertTrue(e.getMessage().contains("did you mean 'sgm_uniform'"), e.getMessage());
        e = assertThrows(ScheduleException.class, () -> Schedule.parse("linspace(10).linear_quadratic(linear_steps=2.5)"));
        assertTrue(e.getMessage().contains("must be an integer"), e.getMessage());
        e = assertThrows(ScheduleException.class, () -> Schedule.parse("linspace(10).comfy_beta(alpah=0.5)"));
        assertTrue(e.getMessage().contains("did you mean 'alpha'"), e.getMessage());
        e = assertThrows(ScheduleException.class, () -> Schedule.parse("linspace(10).linear_quadratic(linear_steps=10)").resolve(SD));
        assertTrue(e.getMessage().contains("[1, 9]"), e.getMessage());
    }

    @Test
    void comfyBetaDiffersFromDiffusersBeta() {
        double[] comfy = Schedule.parse("linspace(10).comfy_beta()").resolve(SD).sigmas();
        double[] diffusers = Schedule.parse("linspace(10).beta(0.6, 0.6)").resolve(SD).sigmas();
        assertEquals(comfy.length, diffusers.length);
        assertTrue(!Arrays.equals(comfy, diffusers));
    }
}
