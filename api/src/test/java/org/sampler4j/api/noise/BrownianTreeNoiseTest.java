package org.sampler4j.api.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;

/**
 * {@link BrownianTreeNoise}: additivity, the variance and correlations of Brownian increments, order independence and
 * determinism.
 *
 * <p>Statistical bounds: with {@code N = 40,000} i.i.d. elements the sample mean of unit normals has standard error
 * {@code 1/sqrt(N) = 0.005}, the sample variance {@code sqrt(2/N) = 0.0071} and a sample correlation about
 * {@code 0.005}; the tests allow 0.03 (mean, correlation) and 0.05 (variance), i.e. 6-7 standard errors, with fixed
 * seeds (deterministic, so no flakiness; the bounds show the margin).
 */
class BrownianTreeNoiseTest {
    private static final int N = 40_000;
    private static final double SIGMA_MIN = 0.0291675;
    private static final double SIGMA_MAX = 14.614642;

    private static Latent like(int n) {
        return ArrayLatent.zeros(Latent.Precision.FLOAT64, n);
    }

    private static double[] noise(BrownianTreeNoise tree, double s, double sn, int n) {
        return tree.noise(s, sn, like(n)).toDoubleArray();
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).sum() / v.length;
    }

    private static double variance(double[] v) {
        double m = mean(v);
        return Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1);
    }

    private static double correlation(double[] x, double[] y) {
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        for (int i = 0; i < x.length; i++) sxy += (x[i] - mx) * (y[i] - my);
        return sxy / (x.length - 1) / Math.sqrt(variance(x) * variance(y));
    }

    @Test
    void incrementsOverAdjacentIntervalsAddUp() {
        BrownianTreeNoise tree = new BrownianTreeNoise(42, SIGMA_MIN, SIGMA_MAX);
        // a leaf is about 8.7e-7 wide here: the last triple lies inside one leaf (linear part of the path)
        double[][] triples = {{SIGMA_MAX, 3.3, SIGMA_MIN}, {6.0, 2.5, 0.9}, {0.5, 0.4999, 0.4998}, {1.0000003, 1.0000002, 1.0000001}};
        for (double[] p : triples) {
            double[] ab = noise(tree, p[0], p[1], 64);
            double[] bc = noise(tree, p[1], p[2], 64);
            double[] ac = noise(tree, p[0], p[2], 64);
            for (int i = 0; i < 64; i++) {
                double sum = ab[i] * Math.sqrt(p[0] - p[1]) + bc[i] * Math.sqrt(p[1] - p[2]);
                assertEquals(ac[i] * Math.sqrt(p[0] - p[2]), sum, 1e-12, Arrays.toString(p) + " element " + i);
            }
        }
    }

    @Test
    void incrementsHaveUnitVarianceAfterNormalisation() {
        BrownianTreeNoise tree = new BrownianTreeNoise(1234, SIGMA_MIN, SIGMA_MAX);
        double[][] intervals = {{SIGMA_MAX, 6.0}, {SIGMA_MAX, SIGMA_MIN}, {1.2345, 1.2344}, {0.5, 0.05}, {0.0302, SIGMA_MIN}, {2.0, 3.0}};
        for (double[] iv : intervals) {
            double[] z = noise(tree, iv[0], iv[1], N);
            assertEquals(0, mean(z), 0.03, "mean over " + Arrays.toString(iv));
            assertEquals(1, variance(z), 0.05, "variance over " + Arrays.toString(iv));
        }
    }

    @Test
    void incrementsAreCorrelatedLikeBrownianMotion() {
        BrownianTreeNoise tree = new BrownianTreeNoise(99, SIGMA_MIN, SIGMA_MAX);
        double a = 9.0;
        double b = 4.0;
        double c = 0.7;
        double[] ab = noise(tree, a, b, N);
        double[] bc = noise(tree, b, c, N);
        double[] ac = noise(tree, a, c, N);
        assertEquals(0, correlation(ab, bc), 0.03, "adjacent increments are independent");
        assertEquals(Math.sqrt((a - b) / (a - c)), correlation(ab, ac), 0.03, "nested increments share their overlap");
    }

    @Test
    void noiseDoesNotDependOnQueryOrderOrOtherQueries() {
        double[][] intervals = {{SIGMA_MAX, 7.3}, {7.3, 2.0}, {2.0, 1.1}, {1.1, 0.2}, {0.2, SIGMA_MIN}, {3.0, 0.3}};
        BrownianTreeNoise forward = new BrownianTreeNoise(7, SIGMA_MIN, SIGMA_MAX);
        double[][] first = new double[intervals.length][];
        for (int k = 0; k < intervals.length; k++) first[k] = noise(forward, intervals[k][0], intervals[k][1], 16);
        BrownianTreeNoise backward = new BrownianTreeNoise(7, SIGMA_MIN, SIGMA_MAX);
        for (int k = intervals.length - 1; k >= 0; k--) {
            // a different step count: other intervals queried in between, cache evicted
            noise(backward, 0.5 + k, 0.25 + k, 16);
            noise(backward, 0.9 + k, 0.35 + k, 16);
            assertArrayEquals(first[k], noise(backward, intervals[k][0], intervals[k][1], 16), Arrays.toString(intervals[k]));
        }
        assertArrayEquals(first[0], noise(forward, intervals[0][0], intervals[0][1], 16), "re-query after eviction");
    }

    @Test
    void deterministicPerSeed() {
        double[] a = noise(new BrownianTreeNoise(5, SIGMA_MIN, SIGMA_MAX), 3.0, 1.5, 32);
        double[] b = noise(new BrownianTreeNoise(5, SIGMA_MIN, SIGMA_MAX), 3.0, 1.5, 32);
        double[] c = noise(new BrownianTreeNoise(6, SIGMA_MIN, SIGMA_MAX), 3.0, 1.5, 32);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void reversedIntervalNegatesTheNoise() {
        BrownianTreeNoise tree = new BrownianTreeNoise(3, SIGMA_MIN, SIGMA_MAX);
        double[] down = noise(tree, 5.0, 2.0, 16);
        double[] up = noise(tree, 2.0, 5.0, 16);
        for (int i = 0; i < 16; i++) assertEquals(-down[i], up[i], 0.0);
    }

    @Test
    void rowSeedsGiveEachRowItsOwnTree() {
        BrownianTreeNoise batched = new BrownianTreeNoise(new long[] {11, 12}, SIGMA_MIN, SIGMA_MAX, BrownianTreeNoise.DEFAULT_TOLERANCE);
        double[] both = batched.noise(4.0, 1.0, ArrayLatent.zeros(Latent.Precision.FLOAT64, 2, 20)).toDoubleArray();
        double[] row0 = new BrownianTreeNoise(11, SIGMA_MIN, SIGMA_MAX).noise(4.0, 1.0, ArrayLatent.zeros(Latent.Precision.FLOAT64, 1, 20)).toDoubleArray();
        double[] row1 = new BrownianTreeNoise(12, SIGMA_MIN, SIGMA_MAX).noise(4.0, 1.0, ArrayLatent.zeros(Latent.Precision.FLOAT64, 1, 20)).toDoubleArray();
        assertArrayEquals(row0, Arrays.copyOfRange(both, 0, 20));
        assertArrayEquals(row1, Arrays.copyOfRange(both, 20, 40));
        assertThrows(IllegalArgumentException.class, () -> batched.noise(4.0, 1.0, ArrayLatent.zeros(Latent.Precision.FLOAT64, 3, 20)));
    }

    @Test
    void rangeAndShapeHandling() {
        BrownianTreeNoise tree = BrownianTreeNoise.forSchedule(1, new double[] {SIGMA_MAX, 3.0, SIGMA_MIN, 0.0});
        assertEquals(SIGMA_MIN, tree.sigmaMin());
        assertEquals(SIGMA_MAX, tree.sigmaMax());
        assertEquals(24, tree.depth());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tree.noise(1.0, 0.0, like(4)));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tree.noise(1.0, 1.0, like(4)));
        Latent f = tree.noise(SIGMA_MAX * (1 + 1e-15), SIGMA_MIN, ArrayLatent.zeros(Latent.Precision.FLOAT32, 2, 3));
        assertEquals(Latent.Precision.FLOAT32, f.precision());
        assertArrayEquals(new int[] {2, 3}, f.shape());
        BrownianTreeNoise fromZero = new BrownianTreeNoise(1, 0.0, SIGMA_MAX);
        assertEquals(4, fromZero.noise(1.0, 0.0, like(4)).size());
    }
}
