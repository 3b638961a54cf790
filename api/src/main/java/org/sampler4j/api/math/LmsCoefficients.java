package org.sampler4j.api.math;

/**
 * Coefficients of the linear multistep method on an arbitrary sigma grid (k-diffusion {@code linear_multistep_coeff}):
 * {@code c_j = integral over [t_i, t_{i+1}] of the Lagrange basis polynomial of node t_{i-j}} among the nodes
 * {@code t_i, ..., t_{i-order+1}}. The integrand is a polynomial of degree {@code order - 1}, so it is integrated in
 * closed form (the reference uses {@code scipy.integrate.quad}, exact for these degrees up to rounding). Shared by
 * the {@code lms} sampler and diffusers' {@code LMSDiscreteScheduler} stepping.
 */
public final class LmsCoefficients {
    private LmsCoefficients() {}

    /**
     * {@code [c_0, ..., c_{order-1}]} for step {@code i}: {@code c_j} multiplies the derivative at {@code t[i - j]}.
     *
     * @param t the sigmas (or times) of the schedule
     * @param i the current step, {@code 0 <= i < t.length - 1}
     * @param order the number of history terms, at least 1
     * @return {@code order} coefficients
     * @throws IllegalArgumentException when {@code order - 1 > i} (not enough history)
     */
    public static double[] of(double[] t, int i, int order) {
        if (order < 1 || order - 1 > i) throw new IllegalArgumentException("LMS order " + order + " too high for step " + i);
        double h = t[i + 1] - t[i];
        double[] c = new double[order];
        for (int j = 0; j < order; j++) {
            // basis polynomial in u = tau - t[i], coefficients by ascending power
            double[] poly = {1.0};
            double denominator = 1.0;
            for (int k = 0; k < order; k++) {
                if (k == j) continue;
                double root = t[i - k] - t[i];
                double[] next = new double[poly.length + 1];
                for (int m = 0; m < poly.length; m++) {
                    next[m + 1] += poly[m];
                    next[m] -= root * poly[m];
                }
                poly = next;
                denominator *= t[i - j] - t[i - k];
            }
            double integral = 0;
            double hPower = h;
            for (int m = 0; m < poly.length; m++) {
                integral += poly[m] * hPower / (m + 1);
                hPower *= h;
            }
            c[j] = integral / denominator;
        }
        return c;
    }
}
