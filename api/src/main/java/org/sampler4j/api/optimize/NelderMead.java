package org.sampler4j.api.optimize;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.ToDoubleFunction;

/**
 * Derivative-free minimisation by the Nelder-Mead simplex method (Nelder and Mead 1965, "A simplex method for function
 * minimization"; standard coefficients reflection 1, expansion 2, contraction 1/2, shrink 1/2, as in Gao and Han 2012
 * for low dimensions), restarted from the best point with a fresh simplex of half the previous size whenever the simplex
 * collapses, until the {@link Budget} is spent. Deterministic: no randomness, ties keep the earlier vertex.
 */
public final class NelderMead {
    private NelderMead() {}

    /**
     * The best point found and its value.
     *
     * @param x the minimiser found
     * @param value {@code f(x)}
     * @param evaluations objective evaluations used
     */
    public record Result(double[] x, double value, int evaluations) {}

    /**
     * Minimises {@code f} from {@code x0}.
     *
     * @param f the objective (non-finite values count as +infinity)
     * @param x0 the start, length {@code >= 1}
     * @param step the initial simplex edge along each axis
     * @param clock the budget being spent
     * @return the best point found, its value and the evaluations spent
     */
    public static Result minimize(ToDoubleFunction<double[]> f, double[] x0, double step, Budget.Clock clock) {
        int n = x0.length;
        if (n == 0) {
            double v = eval(f, x0, clock);
            return new Result(x0.clone(), v, clock.evaluations());
        }
        double[] best = x0.clone();
        double bestF = eval(f, best, clock);
        double size = step;
        while (!clock.exhausted() && size > 1e-6) {
            double[][] p = new double[n + 1][];
            double[] fp = new double[n + 1];
            p[0] = best.clone();
            fp[0] = bestF;
            for (int i = 0; i < n && !clock.exhausted(); i++) {
                p[i + 1] = best.clone();
                p[i + 1][i] += size;
                fp[i + 1] = eval(f, p[i + 1], clock);
            }
            if (clock.exhausted()) {
                for (int i = 1; i <= n; i++) if (p[i] != null && fp[i] < bestF) { best = p[i]; bestF = fp[i]; }
                break;
            }
            run(f, p, fp, clock, size * 1e-4);
            int b = argmin(fp);
            if (fp[b] < bestF) {
                best = p[b].clone();
                bestF = fp[b];
            }
            size *= 0.5;
        }
        return new Result(best, bestF, clock.evaluations());
    }

    /** One Nelder-Mead run until the simplex is smaller than {@code tol} or the budget is spent. */
    private static void run(ToDoubleFunction<double[]> f, double[][] p, double[] fp, Budget.Clock clock, double tol) {
        int n = p.length - 1;
        Integer[] order = new Integer[n + 1];
        while (!clock.exhausted()) {
            for (int i = 0; i <= n; i++) order[i] = i;
            Arrays.sort(order, Comparator.comparingDouble(i -> fp[i]));
            double[][] q = new double[n + 1][];
            double[] fq = new double[n + 1];
            for (int i = 0; i <= n; i++) {
                q[i] = p[order[i]];
                fq[i] = fp[order[i]];
            }
            System.arraycopy(q, 0, p, 0, n + 1);
            System.arraycopy(fq, 0, fp, 0, n + 1);
            if (diameter(p) < tol) return;
            double[] c = new double[n];
            for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) c[k] += p[i][k] / n;
            double[] r = along(c, p[n], -1);
            double fr = eval(f, r, clock);
            if (fr < fp[0]) {
                double[] e = along(c, p[n], -2);
                double fe = clock.exhausted() ? Double.POSITIVE_INFINITY : eval(f, e, clock);
                if (fe < fr) { p[n] = e; fp[n] = fe; } else { p[n] = r; fp[n] = fr; }
            } else if (fr < fp[n - 1]) {
                p[n] = r;
                fp[n] = fr;
            } else {
                boolean outside = fr < fp[n];
                double[] k = along(c, outside ? r : p[n], 0.5);
                double fk = clock.exhausted() ? Double.POSITIVE_INFINITY : eval(f, k, clock);
                if (fk < (outside ? fr : fp[n])) {
                    p[n] = k;
                    fp[n] = fk;
                } else {
                    for (int i = 1; i <= n && !clock.exhausted(); i++) {
                        p[i] = along(p[0], p[i], 0.5);
                        fp[i] = eval(f, p[i], clock);
                    }
                }
            }
        }
    }

    /** {@code c + t (x - c)}. */
    private static double[] along(double[] c, double[] x, double t) {
        double[] out = new double[c.length];
        for (int k = 0; k < c.length; k++) out[k] = c[k] + t * (x[k] - c[k]);
        return out;
    }

    private static double diameter(double[][] p) {
        double d = 0;
        for (int i = 1; i < p.length; i++) for (int k = 0; k < p[0].length; k++) d = Math.max(d, Math.abs(p[i][k] - p[0][k]));
        return d;
    }

    private static int argmin(double[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] < v[b]) b = i;
        return b;
    }

    private static double eval(ToDoubleFunction<double[]> f, double[] x, Budget.Clock clock) {
        double v = f.applyAsDouble(x);
        if (!Double.isFinite(v)) v = Double.POSITIVE_INFINITY;
        clock.count(v);
        return v;
    }
}
