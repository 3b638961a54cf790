package org.sampler4j.api.math;

/**
 * The beta distribution on [0, 1]: its CDF (the regularized incomplete beta function {@code I_x(a, b)}), survival
 * function and quantile function, in double precision.
 *
 * <p>{@link #ppf} matches {@code scipy.stats.beta.ppf} to about 1e-14 relative on (0, 1) for shape parameters of
 * moderate size (the 0.3..5 range that the beta schedules of Lee et al. 2024 and ComfyUI use is tested to 1e-13),
 * and returns exactly 0 and 1 at {@code p = 0} and {@code p = 1}.
 *
 * <p>Method: the incomplete beta is the continued fraction of Abramowitz &amp; Stegun 26.5.8 evaluated with the
 * modified Lentz algorithm, on whichever side ({@code I_x(a, b)} or {@code 1 - I_x(a, b) = I_{1-x}(b, a)}) it
 * converges fast, so both tails are accurate; the quantile is a Newton iteration on the tail that holds {@code p}
 * ({@code I_x = p} for {@code p <= 1/2}, {@code 1 - I_x = 1 - p} above), kept inside a shrinking bracket and
 * falling back to bisection when a Newton step leaves it.
 */
public final class BetaDistribution {
    private static final double EPS = 0x1p-53;
    private static final double TINY = 1e-300;
    private static final int MAX_CF_TERMS = 10_000;
    private static final int MAX_ITERATIONS = 2_000;
    private static final double HALF_LOG_2PI = 0.9189385332046727417803297;

    private BetaDistribution() {}

    /**
     * {@code scipy.stats.beta.ppf(p, a, b)}: the {@code x} in [0, 1] with {@code I_x(a, b) = p}.
     *
     * @param p probability in [0, 1] ({@code NaN} gives {@code NaN})
     * @param a first shape parameter, {@code > 0}
     * @param b second shape parameter, {@code > 0}
     * @return the quantile {@code x} in [0, 1]
     * @throws IllegalArgumentException if {@code p} lies outside [0, 1] or a shape parameter is not a positive finite number
     */
    public static double ppf(double p, double a, double b) {
        checkShapes(a, b);
        if (Double.isNaN(p)) return Double.NaN;
        if (p < 0 || p > 1) throw new IllegalArgumentException("beta ppf: p must lie in [0, 1], got " + p);
        if (p == 0) return 0.0;
        if (p == 1) return 1.0;
        if (a == 1 && b == 1) return p;
        if (a == b && p == 0.5) return 0.5; // the median of a symmetric beta, exactly (ComfyUI rounds ppf * 999 there)
        boolean lower = p <= 0.5;
        double target = lower ? p : 1 - p; // exact for p > 1/2 (Sterbenz)
        double logB = logBeta(a, b);

        double lo = 0;
        double hi = 1;
        double x = initialGuess(lower, target, a, b, logB);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            // g is increasing in x and vanishes at the quantile
            double g = lower ? cdfLog(x, a, b, logB) - target : target - sfLog(x, a, b, logB);
            if (g == 0) return x;
            if (g < 0) lo = x; else hi = x;
            double density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logB);
            double next = x - g / density;
            if (!(next > lo && next < hi)) next = split(lo, hi);
            if (next == x || Math.abs(next - x) <= 2 * Math.ulp(x) || hi - lo <= 2 * Math.ulp(hi)) {
                return next;
            }
            x = next;
        }
        return x;
    }

    /**
     * {@return the regularized incomplete beta function {@code I_x(a, b)} (the CDF), for {@code x} in [0, 1]}
     *
     * @param x the point, in [0, 1]
     * @param a the first shape parameter, {@code > 0}
     * @param b the second shape parameter, {@code > 0}
     */
    public static double cdf(double x, double a, double b) {
        checkShapes(a, b);
        if (Double.isNaN(x)) return Double.NaN;
        if (x <= 0) return 0.0;
        if (x >= 1) return 1.0;
        return cdfLog(x, a, b, logBeta(a, b));
    }

    /**
     * {@return {@code 1 - I_x(a, b)} computed without cancellation (the survival function)}
     *
     * @param x the point, in [0, 1]
     * @param a the first shape parameter, {@code > 0}
     * @param b the second shape parameter, {@code > 0}
     */
    public static double sf(double x, double a, double b) {
        checkShapes(a, b);
        if (Double.isNaN(x)) return Double.NaN;
        if (x <= 0) return 1.0;
        if (x >= 1) return 0.0;
        return sfLog(x, a, b, logBeta(a, b));
    }

    /**
     * {@return {@code ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b)}}
     *
     * @param a the first argument, {@code > 0}
     * @param b the second argument, {@code > 0}
     */
    public static double logBeta(double a, double b) {
        return logGamma(a) + logGamma(b) - logGamma(a + b);
    }

    /**
     * {@code ln Gamma(x)} for {@code x > 0}: Stirling's series with seven Bernoulli terms at {@code x >= 15}, the
     * recurrence {@code Gamma(x) = Gamma(x + k) / (x (x+1) ... (x+k-1))} below (absolute error about 1e-15).
     *
     * @param x the argument, {@code > 0}
     * @return {@code ln Gamma(x)}
     */
    public static double logGamma(double x) {
        if (!(x > 0)) throw new IllegalArgumentException("logGamma needs x > 0, got " + x);
        if (x == 1 || x == 2) return 0.0;
        double shift = 1;
        double y = x;
        while (y < 15) {
            shift *= y;
            y += 1;
        }
        double inv = 1 / y;
        double inv2 = inv * inv;
        // B2/(1*2), B4/(3*4), ..., B14/(13*14)
        double series = inv * (1.0 / 12 + inv2 * (-1.0 / 360 + inv2 * (1.0 / 1260 + inv2 * (-1.0 / 1680
                + inv2 * (1.0 / 1188 + inv2 * (-691.0 / 360360 + inv2 * (1.0 / 156)))))));
        double stirling = (y - 0.5) * Math.log(y) - y + HALF_LOG_2PI + series;
        return shift == 1 ? stirling : stirling - Math.log(shift);
    }

    private static void checkShapes(double a, double b) {
        if (!(a > 0) || !(b > 0) || Double.isInfinite(a) || Double.isInfinite(b)) {
            throw new IllegalArgumentException("beta distribution: shape parameters must be positive finite numbers, got a=" + a + ", b=" + b);
        }
    }

    /** Whether the continued fraction for {@code I_x(a, b)} converges fast at {@code x} (else use the mirror). */
    private static boolean direct(double x, double a, double b) {
        return x < (a + 1) / (a + b + 2);
    }

    private static double cdfLog(double x, double a, double b, double logB) {
        return direct(x, a, b) ? tail(x, a, b, logB, false) : 1 - tail(x, a, b, logB, true);
    }

    private static double sfLog(double x, double a, double b, double logB) {
        return direct(x, a, b) ? 1 - tail(x, a, b, logB, false) : tail(x, a, b, logB, true);
    }

    /**
     * {@code I_x(a, b)} ({@code mirrored = false}) or {@code I_{1-x}(b, a)} ({@code mirrored = true}) by the continued
     * fraction, as {@code x^a (1-x)^b / (a B(a, b)) * cf}; the powers use {@code log1p} so {@code x} near 0 or 1 keeps
     * its precision.
     */
    private static double tail(double x, double a, double b, double logB, boolean mirrored) {
        double logX = Math.log(x);
        double log1mX = Math.log1p(-x);
        double front = Math.exp(a * logX + b * log1mX - logB);
        if (mirrored) return front / b * continuedFraction(1 - x, b, a);
        return front / a * continuedFraction(x, a, b);
    }

    /** The continued fraction {@code 1/(1+ d1/(1+ d2/(1+ ...)))} of A&amp;S 26.5.8, modified Lentz. */
    private static double continuedFraction(double x, double a, double b) {
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        if (Math.abs(d) < TINY) d = TINY;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= MAX_CF_TERMS; m++) {
            int m2 = 2 * m;
            double even = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + even * d;
            if (Math.abs(d) < TINY) d = TINY;
            c = 1 + even / c;
            if (Math.abs(c) < TINY) c = TINY;
            d = 1 / d;
            h *= d * c;
            double odd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + odd * d;
            if (Math.abs(d) < TINY) d = TINY;
            c = 1 + odd / c;
            if (Math.abs(c) < TINY) c = TINY;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) <= EPS) return h;
        }
        return h;
    }

    private static double initialGuess(boolean lower, double target, double a, double b, double logB) {
        double guess;
        if (lower) {
            // I_x(a, b) ~ x^a / (a B(a, b)) for small x
            guess = Math.exp((Math.log(target) + Math.log(a) + logB) / a);
        } else {
            // 1 - I_x(a, b) ~ (1-x)^b / (b B(a, b)) for x near 1
            guess = -Math.expm1((Math.log(target) + Math.log(b) + logB) / b);
        }
        if (!(guess > 0 && guess < 1)) guess = a / (a + b);
        return guess;
    }

    /** A bisection point of (lo, hi) that halves the bracket on a log scale near 0 and near 1. */
    private static double split(double lo, double hi) {
        if (lo == 0) return hi / 8 > 0 ? hi / 8 : hi / 2;
        if (hi == 1 && lo > 0.5) return 1 - (1 - lo) / 8;
        if (hi / lo > 8 && hi < 0.5) return Math.sqrt(lo * hi);
        if ((1 - lo) / (1 - hi) > 8 && lo > 0.5) return 1 - Math.sqrt((1 - lo) * (1 - hi));
        return lo + (hi - lo) / 2;
    }
}
