package org.sampler4j.plugins.samplers;

import static org.sampler4j.plugins.samplers.SamplerTestSupport.*;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.GuidedDenoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * The CFG++ samplers (euler_cfg_pp, euler_ancestral_cfg_pp, dpmpp_2m_cfg_pp) by their properties: guidance scale 1
 * gives the plain sampler bit for bit, a plain denoiser is refused, and constant estimates give closed forms.
 */
class CfgPlusPlusSamplersTest {
    private static final double[] C = {0.25, -1.5, 3.0, 0.0, 2.0, -0.75};
    private static final double[] U = {1.0, 0.5, -2.0, 0.125, 2.0, 4.0};
    private static final double[] X0 = {14.0, -3.0, 7.5, -20.0, 0.5, 11.0};


    private static Latent start(boolean float32) {
        double[] v = new double[16];
        Random r = new Random(1234);
        for (int i = 0; i < v.length; i++) v[i] = KARRAS_10[0] * r.nextGaussian();
        Latent x = ArrayLatent.ofDoubles(v, 8, 2);
        return float32 ? ArrayLatent.zeros(Latent.Precision.FLOAT32, 8, 2).withValues(v) : x;
    }

    /** (a) Scale 1, conditional = unconditional: exactly the plain sampler (same bits, same noise draws), float64 and float32. */
    @ParameterizedTest(name = "{0} = {1} {2}")
    @CsvSource(delimiter = '|', value = {"euler_cfg_pp|euler|", "euler_ancestral_cfg_pp|euler_ancestral|", "euler_ancestral_cfg_pp|euler_ancestral|eta=0.5;s_noise=0.7",
            "dpmpp_2m_cfg_pp|dpmpp_2m|", "dpmpp_2m_cfg_pp|dpmpp_2m|lower_order_final=true", "dpmpp_2m_cfg_pp|dpmpp_2m|euler_at_final=true"})
    void scaleOneIsThePlainSampler(String cfgpp, String plain, String options) {
        Map<String, Object> o = new HashMap<>();
        if (options != null) for (String kv : options.split(";")) o.put(kv.split("=")[0], kv.split("=")[1]);
        GaussianMixture gmm = GaussianMixture.golden();
        for (boolean float32 : new boolean[] {false, true}) {
            Latent x = start(float32);
            Sampler p = Samplers.get(plain);
            Sampler s = Samplers.get(cfgpp);
            double[] expected = p.sample(gmm, x, KARRAS_10, p.options(o), seededNoise(5)).toDoubleArray();
            double[] got = s.sample(GuidedDenoiser.of(gmm, gmm, 1.0), x, KARRAS_10, s.options(o), seededNoise(5)).toDoubleArray();
            assertArrayEquals(expected, got, cfgpp + (float32 ? " float32" : " float64"));
        }
    }

    /** (b) A plain denoiser is refused before any model call, with GuidedDenoiser.require's message. */
    @ParameterizedTest
    @ValueSource(strings = {"euler_cfg_pp", "euler_ancestral_cfg_pp", "dpmpp_2m_cfg_pp"})
    void aPlainDenoiserIsRefused(String id) {
        Sampler s = Samplers.get(id);
        int[] calls = new int[1];
        Denoiser plain = (x, sigma) -> {
            calls[0]++;
            return x;
        };
        String expected = assertThrows(ScheduleException.class, () -> GuidedDenoiser.require(plain, s.info())).getMessage();
        ScheduleException e = assertThrows(ScheduleException.class,
                () -> s.sample(plain, start(false), KARRAS_10, s.options(Map.of()), seededNoise(1)));
        assertEquals(expected, e.getMessage());
        assertTrue(e.getMessage().contains("'" + id + "'"), e.getMessage());
        assertEquals(0, calls[0]);
        assertTrue(s.info().capabilities().needsUnconditional());
    }

    private static double[] run(String id, Map<String, ?> options, double[] sigmas, SamplingContext ctx) {
        Sampler s = Samplers.get(id);
        Latent c = ArrayLatent.ofDoubles(C, 3, 2);
        Latent u = ArrayLatent.ofDoubles(U, 3, 2);
        GuidedDenoiser constant = (x, sigma) -> new GuidedDenoiser.Estimates(c, u);
        return s.sample(constant, ArrayLatent.ofDoubles(X0, 3, 2), sigmas, s.options(options), ctx).toDoubleArray();
    }

    /** s_i = s0 r^i, i = 0..n. */
    private static double[] geometric(double s0, double r, int n) {
        double[] s = new double[n + 1];
        for (int i = 0; i <= n; i++) s[i] = s0 * Math.pow(r, i);
        return s;
    }

    private static SamplingContext ones() {
        return SamplingContext.of((s, sn, like) -> {
            double[] v = new double[like.size()];
            Arrays.fill(v, 1.0);
            return like.withValues(v);
        });
    }

    /**
     * (c) Constant guided estimate c and unconditional u, geometric sigmas s_i = s0 r^i (n steps, last sigma > 0); with
     * a = c - u and y = x - u each step is affine in y, so (r^n - 1)/(r - 1)-type geometric sums give x_n = u + y_n:
     * <ul>
     * <li>euler_cfg_pp ({@code y' = a + r y}): {@code y_n = r^n y_0 + a (1 - r^n)/(1 - r)};</li>
     * <li>euler_ancestral_cfg_pp, eta 1, noise of ones ({@code sigma_down/sigma = r^2}, {@code sigma_up = s' sqrt(1-r^2)},
     * {@code y' = a + r^2 y + s' sqrt(1 - r^2)}): {@code y_n = r^2n y_0 + a (1 - r^2n)/(1 - r^2) + s0 r^n (1 - r^n) sqrt(1 - r^2)/(1 - r)};</li>
     * <li>dpmpp_2m_cfg_pp (first step {@code y_1 = a + r y_0}; then {@code h = h_last}, {@code phi1 = 1 - r}, so
     * {@code y' = a (3 - r)/2 + r y}): {@code y_n = r^(n-1) y_1 + a (3 - r)/2 (1 - r^(n-1))/(1 - r)}.</li>
     * </ul>
     * On a schedule ending at 0 the last step returns c.
     */
    @ParameterizedTest
    @ValueSource(strings = {"euler_cfg_pp", "euler_ancestral_cfg_pp", "dpmpp_2m_cfg_pp"})
    void constantEstimatesGiveTheClosedForm(String id) {
        double s0 = 12.0;
        double r = 0.6;
        int n = 7;
        double rn = Math.pow(r, n);
        SamplingContext ctx = id.startsWith("euler_ancestral") ? ones() : SamplingContext.deterministic();
        double[] got = run(id, Map.of(), geometric(s0, r, n), ctx);
        for (int k = 0; k < C.length; k++) {
            double a = C[k] - U[k];
            double y0 = X0[k] - U[k];
            double y = switch (id) {
                case "euler_cfg_pp" -> rn * y0 + a * (1 - rn) / (1 - r);
                case "euler_ancestral_cfg_pp" -> rn * rn * y0 + a * (1 - rn * rn) / (1 - r * r) + s0 * rn * (1 - rn) * Math.sqrt(1 - r * r) / (1 - r);
                default -> Math.pow(r, n - 1) * (a + r * y0) + a * (3 - r) / 2 * (1 - Math.pow(r, n - 1)) / (1 - r);
            };
            assertEquals(U[k] + y, got[k], 1e-12 * (1 + Math.abs(U[k] + y)), id + " element " + k);
        }
        double[] toZero = Arrays.copyOf(geometric(s0, r, n), n + 2);
        assertArrayEquals(C, run(id, Map.of(), toZero, ctx), 0.0, id + " to sigma 0");
    }

    @Test
    void ancestralDrawsNoiseOnlyWhenItIsUsed() {
        int[] draws = new int[1];
        SamplingContext counting = SamplingContext.of((s, sn, like) -> {
            draws[0]++;
            return like.withValues(new double[like.size()]);
        });
        run("euler_ancestral_cfg_pp", Map.of("eta", 0.0), KARRAS_10, counting);
        run("euler_ancestral_cfg_pp", Map.of("s_noise", 0.0), KARRAS_10, counting);
        assertEquals(0, draws[0]);
        run("euler_ancestral_cfg_pp", Map.of(), KARRAS_10, counting);
        assertEquals(KARRAS_10.length - 2, draws[0]); // not on the step to 0
    }
}
