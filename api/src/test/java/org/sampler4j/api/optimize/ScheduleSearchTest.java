package org.sampler4j.api.optimize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The model-free parts of the schedule optimizer: parameterisation, Nelder-Mead, GITS' DP, AYS' coordinate search. */
class ScheduleSearchTest {
    private static Budget.Clock clock(int evals) {
        return new Budget(evals, Double.POSITIVE_INFINITY, Budget.Progress.NONE).start();
    }

    @Test
    void positionsKeepTheEndpointsAndTheOrderAndRoundTrip() {
        LogSigmaPositions p = new LogSigmaPositions(80, 0.002, 0, 6);
        Random r = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            double[] z = new double[5];
            for (int k = 0; k < 5; k++) z[k] = 6 * r.nextGaussian();
            double[] s = p.sigmas(z);
            assertEquals(7, s.length);
            assertEquals(80, s[0]);
            assertEquals(0, s[6]);
            for (int k = 1; k < 6; k++) assertTrue(s[k] < s[k - 1] && s[k] > 0.002, java.util.Arrays.toString(s));
            assertTrue(p.admits(s));
            // every step moves: no gap below the minimum share of the log range, even for extreme z
            double range = Math.log(80 / 0.002);
            for (int k = 1; k <= 6; k++) {
                double gap = Math.log(s[k - 1] / (k == 6 ? 0.002 : s[k]));
                assertTrue(gap >= p.minShare() * range * (1 - 1e-9), "gap " + k + " " + gap + " in " + java.util.Arrays.toString(s));
            }
            if (trial % 2 == 0) continue; // extreme z (gaps below the clamp of parameters()) only checks the order
            double[] mild = p.sigmas(java.util.Arrays.stream(z).map(v -> v / 3).toArray());
            double[] back = p.sigmas(p.parameters(mild));
            for (int k = 0; k < 7; k++) assertEquals(mild[k], back[k], 1e-9 * mild[k]);
        }
        // a schedule whose last positive sigma is sigma_min itself is clamped just above it
        double[] atMin = p.sigmas(p.parameters(new double[] {80, 20, 5, 1, 0.1, 0.002, 0}));
        assertTrue(atMin[5] > 0.002 && atMin[5] < 0.0021, java.util.Arrays.toString(atMin));
    }

    @Test
    void nelderMeadFindsTheRosenbrockMinimumDeterministically() {
        java.util.function.ToDoubleFunction<double[]> rosen = x -> 100 * Math.pow(x[1] - x[0] * x[0], 2) + Math.pow(1 - x[0], 2);
        NelderMead.Result a = NelderMead.minimize(rosen, new double[] {-1.2, 1}, 0.5, clock(3000));
        NelderMead.Result b = NelderMead.minimize(rosen, new double[] {-1.2, 1}, 0.5, clock(3000));
        assertEquals(1, a.x()[0], 1e-4);
        assertEquals(1, a.x()[1], 1e-4);
        assertArrayEquals(a.x(), b.x(), 0.0);
        assertTrue(a.evaluations() <= 3000);
    }

    @Test
    void nelderMeadStopsAtTheEvaluationLimit() {
        int[] calls = {0};
        NelderMead.minimize(x -> {
            calls[0]++;
            return x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
        }, new double[] {3, 3, 3}, 1, clock(25));
        assertEquals(25, calls[0]);
    }

    @Test
    void gitsDynamicProgrammeMatchesBruteForce() {
        Random r = new Random(7);
        int g = 9;
        double[][] cost = new double[g + 1][g + 1];
        for (int i = 0; i <= g; i++) for (int j = 0; j <= g; j++) cost[i][j] = j > i ? r.nextDouble() * (j - i) * (j - i) : Double.NaN;
        for (int steps = 1; steps <= g; steps++) {
            int[] path = GitsPath.cheapest(cost, steps);
            assertEquals(steps + 1, path.length);
            assertEquals(0, path[0]);
            assertEquals(g, path[steps]);
            double best = brute(cost, steps, 0, g);
            double got = 0;
            for (int k = 0; k < steps; k++) got += cost[path[k]][path[k + 1]];
            assertEquals(best, got, 1e-12, "steps " + steps);
        }
    }

    private static double brute(double[][] cost, int steps, int from, int to) {
        if (steps == 1) return cost[from][to];
        double best = Double.POSITIVE_INFINITY;
        for (int mid = from + 1; mid <= to - steps + 1; mid++) best = Math.min(best, cost[from][mid] + brute(cost, steps - 1, mid, to));
        return best;
    }

    @Test
    void coordinateSearchEqualisesAConvexIntervalCost() {
        // cost (log hi - log lo)^2: the optimum is log-uniform spacing
        CoordinateSearch.IntervalCost c = (hi, lo) -> Math.pow(Math.log(hi / lo), 2);
        double[] t = CoordinateSearch.search(100, 0.01, 8, c, 16, clock(100_000));
        double[] u = CoordinateSearch.logUniform(100, 0.01, 8);
        assertEquals(9, t.length);
        assertEquals(100, t[0]);
        assertEquals(0.01, t[8]);
        for (int k = 0; k <= 8; k++) assertEquals(Math.log(u[k]), Math.log(t[k]), 0.08, java.util.Arrays.toString(t));
    }

    @Test
    void subdivisionInsertsGeometricMidpoints() {
        assertArrayEquals(new double[] {16, 8, 4, 2, 1}, CoordinateSearch.subdivide(new double[] {16, 4, 1}), 1e-12);
    }

    /**
     * The hand-checked case: a 1-D Gaussian N(0, s^2) and Euler's method. With d = x - mu, one Euler step from sigma_i
     * to sigma_{i+1} multiplies d by 1 + (sigma_{i+1} - sigma_i) sigma_i / (s^2 + sigma_i^2); the exact ODE multiplies it
     * by sqrt((s^2 + sigma_end^2) / (s^2 + sigma_0^2)). The error of a 3-step schedule (two free sigmas) is found by
     * brute force over a fine log grid; the optimizer's search space and Nelder-Mead must find the same schedule.
     */
    @Test
    void optimalEulerScheduleOnAOneDimensionalGaussianMatchesBruteForce() {
        double s = 0.5;
        double hi = 20;
        double lo = 0.01;
        java.util.function.ToDoubleFunction<double[]> error = sig -> {
            double f = 1;
            for (int i = 0; i + 1 < sig.length; i++) f *= 1 + (sig[i + 1] - sig[i]) * sig[i] / (s * s + sig[i] * sig[i]);
            return Math.abs(f - Math.sqrt(s * s / (s * s + hi * hi)));
        };
        int grid = 1200;
        double best = Double.POSITIVE_INFINITY;
        double[] arg = null;
        for (int a = 1; a < grid; a++) {
            double s1 = Math.exp(Math.log(hi) + (Math.log(lo) - Math.log(hi)) * a / grid);
            for (int b = a + 1; b <= grid; b++) {
                double s2 = Math.exp(Math.log(hi) + (Math.log(lo) - Math.log(hi)) * b / grid);
                double e = error.applyAsDouble(new double[] {hi, s1, s2, 0});
                if (e < best) {
                    best = e;
                    arg = new double[] {hi, s1, s2, 0};
                }
            }
        }
        LogSigmaPositions p = new LogSigmaPositions(hi, lo, 0, 3);
        NelderMead.Result r = NelderMead.minimize(z -> error.applyAsDouble(p.sigmas(z)), p.parameters(CoordinateSearch.logUniform(hi, lo, 3)), 0.5, clock(4000));
        double[] got = p.sigmas(r.x());
        assertTrue(r.value() <= best * 1.001 + 1e-12, "optimizer " + r.value() + " vs brute force " + best);
        // the brute-force optimum is unique here: the optimizer lands on it (to the grid's resolution)
        assertEquals(Math.log(arg[1]), Math.log(got[1]), 0.02);
        assertEquals(Math.log(arg[2]), Math.log(got[2]), 0.02);
    }
}
