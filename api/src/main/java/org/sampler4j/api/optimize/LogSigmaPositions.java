package org.sampler4j.api.optimize;

/**
 * An n-step schedule with fixed endpoints as unconstrained numbers: the first sigma {@code sigmaMax} and the final
 * sigma (usually 0) are fixed; the {@code n - 1} free sigmas in between are positions in log-sigma on
 * {@code (log sigmaMin, log sigmaMax)}. The log-range is cut into {@code n} gaps, each at least {@link #minShare()} of
 * it, the rest shared by the softmax weights {@code exp(z_k) / sum exp(z)}, {@code z_{n-1} = 0}: every {@code z} in
 * {@code R^(n-1)} is a valid, strictly decreasing schedule whose steps all move (no two sigmas collapse into one,
 * which wastes a model evaluation and makes a multistep sampler's step ratio 0/0), and every such schedule has exactly
 * one {@code z}. The last positive sigma is {@code sigmaMin * exp(gap_{n-1})}, so it is free too.
 *
 * @param sigmaMax the first sigma
 * @param sigmaMin the lower bound of the positive sigmas (the model's smallest noise level)
 * @param finalSigma the sigma after the last step
 * @param steps n
 */
public record LogSigmaPositions(double sigmaMax, double sigmaMin, double finalSigma, int steps) {
    /**
     * Checks {@code steps >= 1} and {@code 0 <= finalSigma <= sigmaMin < sigmaMax}.
     *
     * @param sigmaMax above {@code sigmaMin}
     * @param sigmaMin positive
     * @param finalSigma in {@code [0, sigmaMin]}
     * @param steps at least 1
     */
    public LogSigmaPositions {
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (!(sigmaMin > 0 && sigmaMax > sigmaMin)) throw new IllegalArgumentException("need 0 < sigmaMin < sigmaMax, got " + sigmaMin + ", " + sigmaMax);
        if (!(finalSigma >= 0 && finalSigma <= sigmaMin)) throw new IllegalArgumentException("the final sigma must lie in [0, sigmaMin], got " + finalSigma);
    }

    /** {@return the smallest share of the log-sigma range a step covers: {@code min(1e-3, 0.1 / steps)}} */
    public double minShare() {
        return Math.min(1e-3, 0.1 / steps);
    }

    /** {@return the number of free parameters, {@code steps - 1}} */
    public int dimension() {
        return steps - 1;
    }

    /**
     * The schedule ({@code steps + 1} sigmas) of parameters {@code z}.
     *
     * @param z the parameters, {@link #dimension()} of them: each step's share of the log-sigma range is {@code softmax(z, 0)}
     * @return the {@code steps + 1} sigmas, strictly decreasing to {@code finalSigma}
     */
    public double[] sigmas(double[] z) {
        if (z.length != dimension()) throw new IllegalArgumentException("expected " + dimension() + " parameters, got " + z.length);
        double max = 0;
        for (double v : z) max = Math.max(max, v);
        double[] w = new double[steps];
        double total = 0;
        for (int k = 0; k < steps; k++) {
            w[k] = Math.exp((k < z.length ? z[k] : 0) - max);
            total += w[k];
        }
        double range = Math.log(sigmaMax) - Math.log(sigmaMin);
        double floor = minShare();
        double[] s = new double[steps + 1];
        s[0] = sigmaMax;
        double u = Math.log(sigmaMax);
        for (int k = 1; k < steps; k++) {
            u -= range * (floor + (1 - steps * floor) * w[k - 1] / total);
            s[k] = Math.exp(u);
        }
        for (int k = 1; k < steps; k++) s[k] = Math.min(s[k], Math.nextDown(s[k - 1])); // keep strict order under rounding
        s[steps] = finalSigma;
        return s;
    }

    /**
     * The parameters of a schedule: its {@code steps - 1} interior sigmas, clamped to at least {@code (1 + 1e-6) * sigmaMin}
     * (a schedule whose last positive sigma is {@code sigmaMin} itself has no finite parameters); a gap below
     * {@link #minShare()} of the range counts as that share plus a tiny softmax weight (the nearest schedule of this space).
     *
     * @param sigmas a schedule of {@code steps + 1} sigmas
     * @return the {@code steps - 1} parameters
     */
    public double[] parameters(double[] sigmas) {
        if (sigmas.length != steps + 1) throw new IllegalArgumentException("expected " + (steps + 1) + " sigmas, got " + sigmas.length);
        double lo = Math.log(sigmaMin);
        double[] u = new double[steps + 1];
        u[0] = Math.log(sigmaMax);
        for (int k = 1; k < steps; k++) u[k] = Math.max(Math.log(sigmas[k]), lo + 1e-6 * (u[0] - lo));
        u[steps] = lo;
        for (int k = 1; k <= steps; k++) u[k] = Math.min(u[k], u[k - 1] - 1e-9 * (u[0] - lo));
        double range = u[0] - lo;
        double floor = minShare();
        double[] gaps = new double[steps]; // each gap's softmax weight
        for (int k = 0; k < steps; k++) gaps[k] = Math.max(((u[k] - u[k + 1]) / range - floor) / (1 - steps * floor), 1e-12);
        double[] z = new double[steps - 1];
        for (int k = 0; k < z.length; k++) z[k] = Math.log(gaps[k] / gaps[steps - 1]);
        return z;
    }

    /**
     * Whether {@code sigmas} starts at {@link #sigmaMax}, ends at {@link #finalSigma} and has its interior inside the bounds.
     *
     * @param sigmas a schedule
     * @return whether it is one of this search space's schedules
     */
    public boolean admits(double[] sigmas) {
        if (sigmas.length != steps + 1 || sigmas[0] != sigmaMax || sigmas[steps] != finalSigma) return false;
        for (int k = 1; k < steps; k++) if (!(sigmas[k] < sigmas[k - 1] && sigmas[k] >= sigmaMin * (1 - 1e-12))) return false;
        return true;
    }
}
