package org.sampler4j.plugins.samplers;

import org.sampler4j.api.math.Numerics;

/**
 * Coefficients of multistep DEIS (Zhang &amp; Chen 2023) on the VE ODE {@code dx/dsigma = eps}: the noise predictions
 * {@code eps_{i-j}} are interpolated by a polynomial in a time variable {@code u(sigma)} and integrated exactly, so
 * {@code x_{i+1} = x_i + sum_j c_j eps_{i-j}} with {@code c_j = integral from sigma_i to sigma_{i+1} of L_j(u(sigma))
 * dsigma}, {@code L_j} the Lagrange basis polynomial of node {@code u(sigma_{i-j})} among {@code u(sigma_i), ...,
 * u(sigma_{i-p+1})}.
 *
 * <ul>
 *   <li>{@code tab}: {@code u} = the time {@code t} of the VP-SDE with linear beta fitted to EDM's range
 *       (sigma 0.002 at t = 1e-3, 80 at t = 1; ComfyUI {@code deis.edm2t}). No closed form: integrated in sigma
 *       (where the integrand is smooth) by 32-point Gauss-Legendre, exact to rounding on usual schedules. ComfyUI
 *       instead sums {@code sigma'(t) L_j(t)} at 10,000 points of {@code linspace(t_i, t_{i+1})} times {@code (t_{i+1}
 *       - t_i) / 10,000} ({@link #tabRiemann}): a Riemann sum about 1e-4 (relative) off the integral.</li>
 *   <li>{@code logrho}: {@code u = log sigma} (diffusers {@code DEISMultistepScheduler}), in closed form:
 *       {@code integral of P(log s) ds = s * sum_k (-1)^k P^(k)(log s)}.</li>
 * </ul>
 */
final class DeisCoefficients {
    static final String TAB = "tab";
    static final String LOGRHO = "logrho";
    private static final int RIEMANN_POINTS = 10_000;
    private static final double EPS_S = 1e-3;
    private static final double EDM_SIGMA_MIN = 0.002;
    private static final double EDM_SIGMA_MAX = 80;
    private static final double BETA_D = 2 * (Math.log(EDM_SIGMA_MIN * EDM_SIGMA_MIN + 1) / EPS_S - Math.log(EDM_SIGMA_MAX * EDM_SIGMA_MAX + 1)) / (EPS_S - 1);
    private static final double BETA_MIN = Math.log(EDM_SIGMA_MAX * EDM_SIGMA_MAX + 1) - 0.5 * BETA_D;
    private static final double[][] GAUSS = gaussLegendre(32);

    private DeisCoefficients() {}

    /** {@code [c_0 .. c_{p-1}]} for step {@code i} (needs {@code p - 1 <= i} and {@code sigmas[i+1] > 0}). */
    static double[] of(String mode, boolean comfyRiemann, double[] sigmas, int i, int p) {
        if (mode.equals(LOGRHO)) return logRho(sigmas, i, p);
        return comfyRiemann ? tabRiemann(sigmas, i, p) : tab(sigmas, i, p);
    }

    /** ComfyUI {@code edm2t}: the VP time of an EDM sigma. */
    static double vpTime(double sigma) {
        return (Math.sqrt(BETA_MIN * BETA_MIN + 2 * BETA_D * Math.log(sigma * sigma + 1)) - BETA_MIN) / BETA_D;
    }

    private static double[] nodes(double[] sigmas, int i, int p, java.util.function.DoubleUnaryOperator u) {
        double[] t = new double[p];
        for (int j = 0; j < p; j++) t[j] = u.applyAsDouble(sigmas[i - j]);
        return t;
    }

    /** {@code L_j(v)} over {@code nodes}. */
    private static double lagrange(double[] nodes, int j, double v) {
        double l = 1;
        for (int k = 0; k < nodes.length; k++) if (k != j) l *= (v - nodes[k]) / (nodes[j] - nodes[k]);
        return l;
    }

    static double[] tab(double[] sigmas, int i, int p) {
        double[] t = nodes(sigmas, i, p, DeisCoefficients::vpTime);
        double half = (sigmas[i + 1] - sigmas[i]) / 2;
        double mid = (sigmas[i + 1] + sigmas[i]) / 2;
        double[] c = new double[p];
        for (int q = 0; q < GAUSS[0].length; q++) {
            double tau = vpTime(mid + half * GAUSS[0][q]);
            for (int j = 0; j < p; j++) c[j] += GAUSS[1][q] * half * lagrange(t, j, tau);
        }
        return c;
    }

    /** ComfyUI {@code get_deis_coeff_list(deis_mode='tab')}: the 10,000-point Riemann sum in VP time. */
    static double[] tabRiemann(double[] sigmas, int i, int p) {
        double[] t = nodes(sigmas, i, p, DeisCoefficients::vpTime);
        double tCur = t[0];
        double tNext = vpTime(sigmas[i + 1]);
        double[] taus = Numerics.torchLinspaceF64(tCur, tNext, RIEMANN_POINTS);
        double dtau = (tNext - tCur) / RIEMANN_POINTS;
        double beta0 = BETA_MIN;
        double beta1 = BETA_D + BETA_MIN;
        double[] c = new double[p];
        for (double tau : taus) {
            double alpha = Math.exp(-0.5 * tau * tau * (beta1 - beta0) - tau * beta0);
            double dLogAlpha = -0.5 * (beta1 - beta0) * 2 * tau - beta0;
            double integrand = -0.5 * dLogAlpha / Math.sqrt(alpha * (1 - alpha)); // = dsigma/dt
            for (int j = 0; j < p; j++) c[j] += integrand * lagrange(t, j, tau);
        }
        for (int j = 0; j < p; j++) c[j] *= dtau;
        return c;
    }

    static double[] logRho(double[] sigmas, int i, int p) {
        double[] u = nodes(sigmas, i, p, Math::log);
        double[] c = new double[p];
        for (int j = 0; j < p; j++) {
            double[] poly = {1.0}; // L_j in powers of u, ascending
            for (int k = 0; k < p; k++) {
                if (k == j) continue;
                double[] next = new double[poly.length + 1];
                for (int e = 0; e < poly.length; e++) {
                    next[e + 1] += poly[e] / (u[j] - u[k]);
                    next[e] -= poly[e] * u[k] / (u[j] - u[k]);
                }
                poly = next;
            }
            c[j] = logAntiderivative(poly, sigmas[i + 1]) - logAntiderivative(poly, sigmas[i]);
        }
        return c;
    }

    /** {@code s * sum_k (-1)^k P^(k)(log s)}, an antiderivative of {@code P(log s)}. */
    private static double logAntiderivative(double[] poly, double s) {
        double u = Math.log(s);
        double total = 0;
        double[] d = poly.clone();
        for (int k = 0, sign = 1; k < poly.length; k++, sign = -sign) {
            double v = 0;
            for (int e = d.length - 1; e >= 0; e--) v = v * u + d[e];
            total += sign * v;
            double[] next = new double[Math.max(1, d.length - 1)];
            for (int e = 1; e < d.length; e++) next[e - 1] = e * d[e];
            d = next;
        }
        return s * total;
    }

    /** Nodes and weights of n-point Gauss-Legendre quadrature on [-1, 1] (Newton on P_n). */
    private static double[][] gaussLegendre(int n) {
        double[][] xw = new double[2][n];
        for (int i = 0; i < n; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int it = 0; it < 100; it++) {
                double p0 = 1;
                double p1 = z;
                for (int k = 2; k <= n; k++) {
                    double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                dp = n * (z * p1 - p0) / (z * z - 1);
                double dz = p1 / dp;
                z -= dz;
                if (Math.abs(dz) < 1e-16) break;
            }
            xw[0][i] = z;
            xw[1][i] = 2 / ((1 - z * z) * dp * dp);
        }
        return xw;
    }
}
