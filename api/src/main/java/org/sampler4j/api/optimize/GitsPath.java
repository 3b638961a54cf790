package org.sampler4j.api.optimize;

/**
 * GITS's time-schedule search (Chen, Zhou, Zhang, Liang, Shan, Bu 2024, "On the Trajectory Regularity of ODE-based
 * Diffusion Sampling", Algorithm 1): given the cost of a coarse step between any two points of a fine grid (the error
 * of one solver step from the teacher trajectory's state at point {@code i} to its state at point {@code j}), the
 * {@code steps}-step path from the first to the last grid point with the smallest total cost, by dynamic programming.
 */
public final class GitsPath {
    private GitsPath() {}

    /**
     * The cheapest path.
     *
     * @param cost {@code cost[i][j]} for {@code i < j}: the cost of one step from grid point {@code i} to {@code j}
     *        (non-finite: not allowed); a square matrix over {@code G + 1} points
     * @param steps the number of steps, {@code 1 <= steps <= G}
     * @return the {@code steps + 1} grid indices, starting at 0 and ending at {@code G}
     */
    public static int[] cheapest(double[][] cost, int steps) {
        int g = cost.length - 1;
        if (steps < 1 || steps > g) throw new IllegalArgumentException("steps must lie in 1.." + g + ", got " + steps);
        double[][] best = new double[steps + 1][g + 1];
        int[][] from = new int[steps + 1][g + 1];
        for (double[] row : best) java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
        best[0][0] = 0;
        for (int k = 1; k <= steps; k++) {
            for (int j = k; j <= g; j++) {
                for (int i = k - 1; i < j; i++) {
                    double c = cost[i][j];
                    if (!Double.isFinite(c) || !Double.isFinite(best[k - 1][i])) continue;
                    double v = best[k - 1][i] + c;
                    if (v < best[k][j]) {
                        best[k][j] = v;
                        from[k][j] = i;
                    }
                }
            }
        }
        if (!Double.isFinite(best[steps][g])) throw new IllegalArgumentException("no finite " + steps + "-step path through the grid");
        int[] path = new int[steps + 1];
        path[steps] = g;
        for (int k = steps; k > 0; k--) path[k - 1] = from[k][path[k]];
        return path;
    }
}
