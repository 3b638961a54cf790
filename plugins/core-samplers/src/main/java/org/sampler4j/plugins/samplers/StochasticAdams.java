package org.sampler4j.plugins.samplers;

/**
 * Coefficients of the stochastic Adams methods of SA-Solver (Xue et al. 2023, eqs. 15 and 18) in the
 * variance-exploding frame, time {@code lambda = -log sigma}. A step from {@code lambdaS} to {@code lambdaT}
 * ({@code h = lambdaT - lambdaS}) with stochasticity {@code tau} integrates a Lagrange polynomial through the model
 * outputs at {@code nodes}:
 * <ul>
 *   <li>data prediction: {@code x_t = (sigma_t/sigma_s) e^(-tau^2 h) x_s + sum_i b_i D_i}, with
 *       {@code b_i = (1+tau^2) int_{lambdaS}^{lambdaT} e^((1+tau^2)(lambda - lambdaT)) L_i(lambda) dlambda};</li>
 *   <li>noise prediction: {@code x_t = x_s - (1+tau^2) sum_i g_i eps_i}, with
 *       {@code g_i = int_{lambdaS}^{lambdaT} e^(-lambda) L_i(lambda) dlambda}.</li>
 * </ul>
 * The integrals are taken in the shifted variable {@code u = lambda - lambdaT} (moments of {@code e^(c u) u^p} over
 * {@code [-h, 0]}, by parts), which keeps them accurate for the small steps of long schedules.
 */
final class StochasticAdams {
    private StochasticAdams() {}

    /** Data-prediction weights {@code b_i} for the outputs at {@code nodes} (any order, distinct). */
    static double[] dataWeights(double[] nodes, double lambdaS, double lambdaT, double tau) {
        double c = 1 + tau * tau;
        double h = lambdaT - lambdaS;
        int n = nodes.length;
        // m[p] = c int_{-h}^{0} e^(c u) u^p du
        double[] m = new double[n];
        double decay = Math.exp(-c * h);
        m[0] = -Math.expm1(-c * h);
        double power = 1; // (-h)^p
        for (int p = 1; p < n; p++) {
            power *= -h;
            m[p] = -decay * power - p / c * m[p - 1];
        }
        return combine(nodes, lambdaT, m);
    }

    /** Noise-prediction weights {@code g_i} (without the {@code 1+tau^2} factor); {@code sigmaT = e^-lambdaT}. */
    static double[] noiseWeights(double[] nodes, double lambdaS, double lambdaT, double sigmaT) {
        double h = lambdaT - lambdaS;
        int n = nodes.length;
        // m[p] = int_{-h}^{0} e^(-u) u^p du, times e^(-lambdaT) = sigma_t
        double[] m = new double[n];
        double growth = Math.exp(h);
        m[0] = Math.expm1(h);
        double power = 1;
        for (int p = 1; p < n; p++) {
            power *= -h;
            m[p] = growth * power + p * m[p - 1];
        }
        for (int p = 0; p < n; p++) m[p] *= sigmaT;
        return combine(nodes, lambdaT, m);
    }

    /**
     * SA-Solver's "simple" order-2 data-prediction weights (paper, Appendix D; diffusers uses them for every order-2
     * step): exact in the first-order part, the second-order part replaced by {@code (1+tau^2) h^2/2} (predictor,
     * extrapolating from {@code nodes = [older, current]}) or {@code (1+tau^2) h/2} (corrector, {@code nodes =
     * [lambdaS, lambdaT]}). Returned in the order of {@code nodes}.
     */
    static double[] simpleOrder2(double[] nodes, double lambdaS, double lambdaT, double tau, boolean corrector) {
        double c = 1 + tau * tau;
        double h = lambdaT - lambdaS;
        double first = -Math.expm1(-c * h);
        if (corrector) {
            double current = 0.5 * c * h;
            return new double[] {first - current, current};
        }
        double older = 0.5 * c * h * h / (nodes[0] - lambdaS);
        return new double[] {older, first - older};
    }

    /** {@code sum_p coeff_{i,p} m[p]}, the Lagrange basis polynomials expanded in powers of {@code u = lambda - lambdaT}. */
    private static double[] combine(double[] nodes, double lambdaT, double[] m) {
        int n = nodes.length;
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double[] poly = {1}; // coefficients of prod_{j != i} (u - u_j) / (u_i - u_j), lowest power first
            double ui = nodes[i] - lambdaT;
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                double uj = nodes[j] - lambdaT;
                double scale = 1 / (ui - uj);
                double[] next = new double[poly.length + 1];
                for (int p = 0; p < poly.length; p++) {
                    next[p + 1] += poly[p] * scale;
                    next[p] -= poly[p] * uj * scale;
                }
                poly = next;
            }
            double s = 0;
            for (int p = 0; p < n; p++) s += poly[p] * m[p];
            w[i] = s;
        }
        return w;
    }
}
