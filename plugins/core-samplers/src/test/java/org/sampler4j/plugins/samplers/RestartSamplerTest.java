package org.sampler4j.plugins.samplers;

import static org.sampler4j.plugins.samplers.SamplerTestSupport.*;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.sampler.StepListener;

/** Restart sampling (Xu et al. 2023): reduction to heun, fixed points, model-call count, schedule and option errors. */
class RestartSamplerTest {
    private static final Sampler RESTART = Samplers.get("restart");

    private static Latent start() {
        Random r = new Random(1234);
        double[] v = new double[16];
        for (int i = 0; i < v.length; i++) v[i] = KARRAS_10[0] * r.nextGaussian();
        return ArrayLatent.ofDoubles(v, 8, 2);
    }


    @Test
    void withoutRestartIntervalsItIsHeun() {
        Sampler heun = Samplers.get("heun");
        double[] expected = heun.sample(GaussianMixture.golden(), start(), KARRAS_10, heun.options(Map.of()), SamplingContext.deterministic()).toDoubleArray();
        for (String none : List.of("", "  ")) {
            // the deterministic context fails if restart asks for noise
            double[] got = RESTART.sample(GaussianMixture.golden(), start(), KARRAS_10, RESTART.options(Map.of("restarts", none)),
                    SamplingContext.deterministic()).toDoubleArray();
            assertArrayEquals(expected, got, "restarts='" + none + "'");
        }
    }

    @Test
    void aConstantDenoiserGivesTheConstant() {
        Latent c = ArrayLatent.ofDoubles(new double[] {0.25, -1.5, 3, 0, 2, -0.75, 1, 9, -4, 0.5, 0.125, 7, -2, 3.5, 6, -8}, 8, 2);
        Denoiser constant = (x, sigma) -> c;
        for (String restarts : List.of("0.1:1:2", "0.1:2:2;1:1:5", "0.03:3:10;0.03:1:0.5")) {
            double[] got = RESTART.sample(constant, start(), KARRAS_10, RESTART.options(Map.of("restarts", restarts, "restart_steps", 3)),
                    seededNoise(3)).toDoubleArray();
            assertArrayEquals(c.toDoubleArray(), got, 1e-12, restarts);
        }
    }

    /**
     * With D = 0 every Heun step scales x by sigma_next / sigma exactly, so on {@code [10, 5, 2, 1]} with the restart
     * {@code 2:1:4} (noise of ones) the result is {@code ((x0 * 2/10 + sqrt(4^2 - 2^2)) * 2/4) * 1/2}: the noise brings x
     * up to t_max = 4, the restart pass back down to 2.
     */
    @Test
    void restartNoiseGoesUpToTMax() {
        Denoiser zero = (x, sigma) -> x.withValues(new double[x.size()]);
        SamplingContext ones = SamplingContext.of((s, sn, like) -> {
            double[] v = new double[like.size()];
            Arrays.fill(v, 1.0);
            return like.withValues(v);
        });
        Latent x0 = start();
        double[] got = RESTART.sample(zero, x0, new double[] {10, 5, 2, 1}, RESTART.options(Map.of("restarts", "2:1:4", "restart_steps", 3)), ones)
                .toDoubleArray();
        double[] x = x0.toDoubleArray();
        for (int i = 0; i < x.length; i++) assertEquals(((x[i] * 0.2 + Math.sqrt(12)) * 0.5) * 0.5, got[i], 1e-12 * (1 + Math.abs(got[i])));
    }

    /**
     * Model calls {@code 2n - z + 2 restart_steps sum K} (n main steps, z of them to sigma 0), noise draws {@code sum K},
     * and the listener sees {@code n + restart_steps sum K} steps numbered 0, 1, ... with that total.
     */
    @ParameterizedTest(name = "restarts={0} restart_steps={1} to zero={2}")
    @CsvSource({"'', 9, true, 0", "0.1:1:2, 9, true, 1", "0.1:2:2;1:1:5, 4, true, 3", "0.1:2:2;1:1:5, 1, false, 3", "0.05:3:14;3:2:4, 2, true, 5"})
    void modelCallsFollowTheFormula(String restarts, int steps, boolean toZero, int sumK) {
        double[] sigmas = toZero ? KARRAS_10 : Arrays.copyOf(KARRAS_10, KARRAS_10.length - 1);
        int n = sigmas.length - 1;
        int z = toZero ? 1 : 0;
        int[] calls = new int[1];
        int[] draws = new int[1];
        List<StepListener.Step> seen = new ArrayList<>();
        Denoiser counting = (x, sigma) -> {
            calls[0]++;
            return GaussianMixture.golden().denoise(x, sigma);
        };
        SamplingContext ctx = new SamplingContext((s, sn, like) -> {
            draws[0]++;
            return like.withValues(new double[like.size()]);
        }, seen::add);
        RESTART.sample(counting, start(), sigmas, RESTART.options(Map.of("restarts", restarts, "restart_steps", steps)), ctx);
        assertEquals(2 * n - z + 2 * steps * sumK, calls[0]);
        assertEquals(sumK, draws[0]);
        assertEquals(n + steps * sumK, seen.size());
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i, seen.get(i).index());
            assertEquals(n + steps * sumK, seen.get(i).steps());
        }
    }

    /** The steps the listener sees on {@code [10, 5, 2, 1, 0.5, 0]} with restart {@code 0.9:2:4} (snaps to sigma 1), 2 steps per pass. */
    @Test
    void restartPassesFollowTheMainStepNearestTMin() {
        List<double[]> seen = new ArrayList<>();
        SamplingContext ctx = new SamplingContext(seededNoise(1).noise(), s -> seen.add(new double[] {s.sigma(), s.sigmaNext()}));
        RESTART.sample(GaussianMixture.golden(), start(), new double[] {10, 5, 2, 1, 0.5, 0}, RESTART.options(Map.of("restarts", "0.9:2:4", "restart_steps", 2)), ctx);
        double mid = Math.pow((Math.pow(4, 1 / 7.0) + Math.pow(1, 1 / 7.0)) / 2, 7); // Karras midpoint of [1, 4]
        double[][] expected = {{10, 5}, {5, 2}, {2, 1}, {4, mid}, {mid, 1}, {4, mid}, {mid, 1}, {1, 0.5}, {0.5, 0}};
        assertEquals(expected.length, seen.size());
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], seen.get(i), 1e-12, "step " + i);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', value = {
            "0.1:2|restart interval 1 ('0.1:2') of option 'restarts' must be t_min:K:t_max (e.g. 0.1:2:2), got 2 field(s)",
            "0.1:2:2;;1:1:5|restart interval 2 ('') of option 'restarts' must be t_min:K:t_max",
            "0.1:2:2;x:1:5|restart interval 2 ('x:1:5') of option 'restarts': t_min must be a number, got 'x'",
            "0.1:1.5:2|K must be a whole number, got '1.5'",
            "0.1:0:2|K must be >= 1, got 0",
            "0:1:2|t_min must be > 0, got 0.0",
            "-1:1:2|t_min must be > 0, got -1.0",
            "2:1:0.1|t_max must be > t_min, got 0.1 <= 2.0",
            "0.1:1:Infinity|t_max must be finite, got Infinity",
            "0.1:1:NaN|t_max must be finite, got NaN"})
    void badRestartListsAreRefusedWithTheRule(String restarts, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RESTART.options(Map.of("restarts", restarts)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void wellFormedListsParse() {
        assertEquals(List.of(new RestartIntervals.Interval(0.1, 2, 2), new RestartIntervals.Interval(1, 1, 5)), RestartIntervals.parse(" 0.1 : 2 : 2 ; 1:1:5;"));
        assertEquals(List.of(), RestartIntervals.parse(""));
    }

    @Test
    void aTMinThatSnapsAboveTMaxIsRefused() {
        // t_min 0.35 snaps to 0.446920586813722 on KARRAS_10 (0.2013996971917513 is farther), above t_max 0.4
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RESTART.sample(GaussianMixture.golden(), start(), KARRAS_10,
                RESTART.options(Map.of("restarts", "0.35:1:0.4")), seededNoise(1)));
        assertTrue(e.getMessage().contains("t_min snaps to the schedule sigma 0.446920586813722, which is not below t_max"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RESTART.sample(GaussianMixture.golden(), start(), new double[] {14, 0},
                RESTART.options(Map.of("restarts", "0.1:1:2")), seededNoise(1)));
    }

    @Test
    void declaresItselfStochastic() {
        assertTrue(RESTART.info().capabilities().stochastic());
        assertTrue(RESTART.info().provenance().contains("Xu et al. 2023"));
    }
}
