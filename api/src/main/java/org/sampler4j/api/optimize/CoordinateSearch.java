package org.sampler4j.api.optimize;

import java.util.Arrays;

/**
 * Align Your Steps' schedule search (Sabour, Fidler, Kreis 2024, "Align Your Steps: Optimizing Sampling Schedules in
 * Diffusion Models", Algorithm 1): the objective is a sum of per-interval costs (there: the KL-divergence upper bound
 * of each step of the discretised reverse SDE), so each interior point is moved in turn to the best of a set of
 * candidates between its neighbours (coordinate search, alternating odd and even points), until no point moves; then
 * the schedule is subdivided (a point inserted in the geometric middle of each interval) and searched again, up to the
 * requested step count.
 */
public final class CoordinateSearch {
    private CoordinateSearch() {}

    /** The cost of one interval from {@code hi} down to {@code lo}. */
    @FunctionalInterface
    public interface IntervalCost {
        /**
         * The cost of the step from sigma {@code hi} to sigma {@code lo < hi}.
         *
         * @param hi the higher sigma
         * @param lo the lower sigma
         * @return the cost, finite and non-negative
         */
        double cost(double hi, double lo);
    }

    /**
     * Searches an {@code steps}-interval schedule from {@code hi} to {@code lo}.
     *
     * @param hi the fixed first point
     * @param lo the fixed last point ({@code 0 < lo < hi})
     * @param steps the number of intervals wanted
     * @param cost per-interval cost
     * @param candidates candidate positions per coordinate move ({@code >= 2}), log-uniform strictly between the neighbours
     * @param clock the budget (one count per candidate evaluated)
     * @return {@code steps + 1} points, {@code hi} first and {@code lo} last
     */
    public static double[] search(double hi, double lo, int steps, IntervalCost cost, int candidates, Budget.Clock clock) {
        if (!(lo > 0 && hi > lo)) throw new IllegalArgumentException("need 0 < lo < hi");
        int coarse = steps >= 4 ? (steps + 1) / 2 : steps;
        double[] t = logUniform(hi, lo, coarse);
        t = sweep(t, cost, candidates, clock);
        if (coarse < steps) {
            t = subdivide(t);
            if (t.length - 1 != steps) t = org.sampler4j.api.schedule.generators.LogLinear.interp(t, steps + 1);
            t[0] = hi;
            t[steps] = lo;
            t = sweep(t, cost, candidates, clock);
        }
        return t;
    }

    /**
     * {@code n + 1} points from {@code hi} to {@code lo}, uniform in log.
     *
     * @param hi the first point, positive
     * @param lo the last point, positive
     * @param n the number of intervals, at least 1
     * @return the points, from {@code hi} to {@code lo}
     */
    public static double[] logUniform(double hi, double lo, int n) {
        double[] t = new double[n + 1];
        for (int k = 0; k <= n; k++) t[k] = Math.exp(Math.log(hi) + (Math.log(lo) - Math.log(hi)) * k / n);
        t[0] = hi;
        t[n] = lo;
        return t;
    }

    /**
     * The points with the geometric midpoint of every interval inserted ({@code 2n + 1} points).
     *
     * @param t the points, {@code n + 1} of them
     * @return the {@code 2n + 1} points
     */
    public static double[] subdivide(double[] t) {
        double[] out = new double[2 * t.length - 1];
        for (int k = 0; k < t.length; k++) {
            out[2 * k] = t[k];
            if (k + 1 < t.length) out[2 * k + 1] = Math.sqrt(t[k] * t[k + 1]);
        }
        return out;
    }

    /** Coordinate sweeps (odd points, then even points) until no point moves or the budget is spent. */
    static double[] sweep(double[] t0, IntervalCost cost, int candidates, Budget.Clock clock) {
        if (candidates < 2) throw new IllegalArgumentException("candidates must be >= 2, got " + candidates);
        double[] t = t0.clone();
        int n = t.length - 1;
        for (int round = 0; round < 50 && !clock.exhausted(); round++) {
            boolean moved = false;
            for (int parity = 1; parity >= 0; parity--) {
                for (int i = 2 - parity; i < n && !clock.exhausted(); i += 2) {
                    double bestC = t[i];
                    double bestF = cost.cost(t[i - 1], t[i]) + cost.cost(t[i], t[i + 1]);
                    clock.count(bestF);
                    double a = Math.log(t[i - 1]);
                    double b = Math.log(t[i + 1]);
                    for (int k = 1; k <= candidates && !clock.exhausted(); k++) {
                        double c = Math.exp(a + (b - a) * k / (candidates + 1));
                        if (!(c < t[i - 1] && c > t[i + 1])) continue;
                        double f = cost.cost(t[i - 1], c) + cost.cost(c, t[i + 1]);
                        clock.count(f);
                        if (f < bestF) {
                            bestF = f;
                            bestC = c;
                        }
                    }
                    if (bestC != t[i]) {
                        moved |= Math.abs(Math.log(bestC / t[i])) > 1e-3;
                        t[i] = bestC;
                    }
                }
            }
            if (!moved) break;
        }
        return Arrays.copyOf(t, t.length);
    }
}
