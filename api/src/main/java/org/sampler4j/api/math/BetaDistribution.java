package org.sampler4j.api.math;

/** The beta distribution's quantile function (placeholder; replaced by the full implementation). */
public final class BetaDistribution {
    private BetaDistribution() {}

    /**
     * {@code scipy.stats.beta.ppf(p, a, b)}: the x in [0, 1] with regularized incomplete beta {@code I_x(a, b) = p}.
     */
    public static double ppf(double p, double a, double b) {
        throw new UnsupportedOperationException("beta ppf not implemented yet");
    }
}
