package org.sampler4j.api.math;

/**
 * Numeric primitives that reproduce the exact behaviour of the PyTorch and NumPy functions the reference
 * schedulers use ({@code torch.linspace}, {@code np.linspace}, {@code np.round}, {@code np.interp},
 * sequential float32 {@code torch.cumprod}). Every schedule in sampler4j is built from these, so that a
 * schedule matches diffusers, k-diffusion and ComfyUI number for number.
 *
 * <p>All methods are pure and return fresh arrays.
 */
public final class Numerics {
    private Numerics() {}

    /**
     * {@code torch.linspace(start, end, n, dtype=float32)} as torch 1.13 computes it on an x86-64 CPU (the build the
     * k-diffusion/ComfyUI golden vectors come from): {@code step} in float32; element {@code i < n/2} is
     * {@code fma(step, i, start)}, the others {@code fma(-step, n-1-i, end)}; but when {@code n >= 16} the first
     * {@code floor(n/16)*16} elements come in vectors of 8 whose element k is {@code base + fl(k*step)} with
     * {@code base} the scalar formula at the vector's first index. See {@link #torch2LinspaceF32} for torch 2.
     *
     * @param start the first value
     * @param end the last value
     * @param n the number of values, at least 0
     * @return the {@code n} float32 values, bit for bit as torch 1.13 returns them
     */
    public static float[] torchLinspaceF32(double start, double end, int n) {
        return linspaceF32(start, end, n, true);
    }

    /** The two torch float32 layouts: vectorised prefix (torch 1.13 on x86-64) or scalar throughout (torch 2). */
    private static float[] linspaceF32(double start, double end, int n, boolean vectorisedPrefix) {
        float[] out = new float[n];
        if (n == 0) return out;
        float s = (float) start;
        float e = (float) end;
        if (n == 1) { out[0] = s; return out; }
        float step = (e - s) / (float) (n - 1);
        int halfway = n / 2;
        int vectorWidth = 8;
        int vectorised = vectorisedPrefix && n >= 2 * vectorWidth ? (n / (2 * vectorWidth)) * 2 * vectorWidth : 0;
        for (int i = 0; i < vectorised; i += vectorWidth) {
            float base = torchLinspaceScalarF32(s, e, step, i, n, halfway);
            for (int k = 0; k < vectorWidth; k++) out[i + k] = base + (float) k * step;
        }
        for (int i = vectorised; i < n; i++) out[i] = torchLinspaceScalarF32(s, e, step, i, n, halfway);
        return out;
    }

    private static float torchLinspaceScalarF32(float s, float e, float step, int i, int n, int halfway) {
        return i < halfway ? Math.fma(step, (float) i, s) : Math.fma(-step, (float) (n - 1 - i), e);
    }

    /**
     * {@code torch.linspace(start, end, n, dtype=float32)} as torch 2 computes it (checked bit for bit against
     * torch 2.11 by the diffusers golden data): {@code step} in float32; element {@code i < n/2} is
     * {@code fma(step, i, start)}, the others {@code fma(-step, n-1-i, end)}.
     *
     * @param start the first value
     * @param end the last value
     * @param n the number of values, at least 0
     * @return the {@code n} float32 values, bit for bit as torch 2 returns them
     */
    public static float[] torch2LinspaceF32(double start, double end, int n) {
        return linspaceF32(start, end, n, false);
    }

    /**
     * {@return {@code torch.linspace(start, end, n, dtype=float64)} on torch 1.13 (vector width 4), see {@link #torchLinspaceF32}}
     *
     * @param start the first value
     * @param end the last value
     * @param n the number of values, at least 0
     */
    public static double[] torchLinspaceF64(double start, double end, int n) {
        double[] out = new double[n];
        if (n == 0) return out;
        if (n == 1) { out[0] = start; return out; }
        double step = (end - start) / (n - 1);
        int halfway = n / 2;
        int vectorWidth = 4;
        int vectorised = n >= 2 * vectorWidth ? (n / (2 * vectorWidth)) * 2 * vectorWidth : 0;
        for (int i = 0; i < vectorised; i += vectorWidth) {
            double base = i < halfway ? Math.fma(step, i, start) : Math.fma(-step, n - 1 - i, end);
            for (int k = 0; k < vectorWidth; k++) out[i + k] = base + k * step;
        }
        for (int i = vectorised; i < n; i++) {
            out[i] = i < halfway ? Math.fma(step, i, start) : Math.fma(-step, n - 1 - i, end);
        }
        return out;
    }

    /**
     * {@code np.linspace(start, stop, n)} (float64, endpoint included): {@code start + i*step} with
     * {@code step = (stop-start)/(n-1)}, last element exactly {@code stop}.
     *
     * @param start the first value
     * @param stop the last value (included)
     * @param n the number of values, at least 0
     * @return the {@code n} values
     */
    public static double[] numpyLinspace(double start, double stop, int n) {
        double[] out = new double[n];
        if (n == 0) return out;
        if (n == 1) { out[0] = start; return out; }
        double delta = stop - start;
        double step = delta / (n - 1);
        boolean anyStep = step != 0;
        for (int i = 0; i < n; i++) out[i] = anyStep ? i * step + start : (i / (double) (n - 1)) * delta + start;
        out[n - 1] = stop;
        return out;
    }

    /**
     * {@return {@code np.arange(start, stop, step)} in float64 ({@code start + i*step}, length {@code ceil((stop-start)/step)})}
     *
     * @param start the first value
     * @param stop the bound, excluded
     * @param step the increment, non-zero
     */
    public static double[] numpyArange(double start, double stop, double step) {
        int n = (int) Math.max(0, Math.ceil((stop - start) / step));
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = start + i * step;
        return out;
    }

    /**
     * NumPy/Python rounding: half to even ({@code np.round}, Python 3 {@code round}).
     *
     * @param x the value to round
     * @return the nearest integer (as a double), ties to the even one
     */
    public static double roundHalfEven(double x) {
        return Math.rint(x);
    }

    /**
     * {@return element-wise {@link #roundHalfEven}}
     *
     * @param xs the values to round (not changed)
     */
    public static double[] roundHalfEven(double[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) out[i] = Math.rint(xs[i]);
        return out;
    }

    /**
     * {@code np.interp(x, xp, fp)} for increasing {@code xp}: linear interpolation, clamped to the end values
     * outside the range. Evaluated in float64 as NumPy does: {@code slope*(x - xp[j]) + fp[j]}, or {@code fp[j]}
     * when {@code x == xp[j]}.
     *
     * @param x where to interpolate
     * @param xp the sample points, increasing
     * @param fp the values at {@code xp}, as many
     * @return the interpolated value
     */
    public static double interp(double x, double[] xp, double[] fp) {
        int n = xp.length;
        if (Double.isNaN(x)) return x;
        if (x <= xp[0]) return x < xp[0] ? fp[0] : fp[0];
        if (x >= xp[n - 1]) return fp[n - 1];
        int lo = 0, hi = n - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (xp[mid] <= x) lo = mid; else hi = mid;
        }
        if (x == xp[lo]) return fp[lo];
        double slope = (fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo]);
        double r = slope * (x - xp[lo]) + fp[lo];
        if (Double.isNaN(r)) {
            r = slope * (x - xp[lo + 1]) + fp[lo + 1];
            if (Double.isNaN(r) && fp[lo] == fp[lo + 1]) r = fp[lo];
        }
        return r;
    }

    /**
     * {@return element-wise {@link #interp(double, double[], double[])}}
     *
     * @param x where to interpolate
     * @param xp the sample points, increasing
     * @param fp the values at {@code xp}, as many
     */
    public static double[] interp(double[] x, double[] xp, double[] fp) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = interp(x[i], xp, fp);
        return out;
    }

    /**
     * {@code torch.cumprod} of a float32 CPU tensor: ATen accumulates in double ({@code acc_type<float>} on the CPU)
     * and rounds each prefix product to float32 (not a float32 running product, which differs in ~90% of 1000
     * alphas).
     *
     * @param xs the float32 values (not changed)
     * @return the running products, each rounded to float32
     */
    public static float[] cumprodF32(float[] xs) {
        float[] out = new float[xs.length];
        double acc = 1.0;
        for (int i = 0; i < xs.length; i++) {
            acc *= xs[i];
            out[i] = (float) acc;
        }
        return out;
    }

    /**
     * {@return {@code 0..n-1} as doubles}
     *
     * @param n the number of values, at least 0
     */
    public static double[] indices(int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = i;
        return out;
    }

    /**
     * Widens float32 values to double (exactly).
     *
     * @param xs the float32 values
     * @return the same values as doubles
     */
    public static double[] widen(float[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) out[i] = xs[i];
        return out;
    }

    /**
     * Rounds every value to float32 and back (the effect of {@code .astype(np.float32)}).
     *
     * @param xs the values (not changed)
     * @return a new array of the values rounded to float32 (round half to even)
     */
    public static double[] toF32(double[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) out[i] = (float) xs[i];
        return out;
    }

    /**
     * Reversed copy.
     *
     * @param xs the values (not changed)
     * @return a new array with the values in reverse order
     */
    public static double[] reversed(double[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) out[i] = xs[xs.length - 1 - i];
        return out;
    }

    /**
     * Copy with {@code value} appended.
     *
     * @param xs the values (not changed)
     * @param value the value to add at the end
     * @return a new array, one longer
     */
    public static double[] append(double[] xs, double value) {
        double[] out = java.util.Arrays.copyOf(xs, xs.length + 1);
        out[xs.length] = value;
        return out;
    }

    /**
     * {@code torch.linalg.solve(R, y)} for the Vandermonde matrix {@code R[i][k] = nodes[k]^i} (UniPC's
     * {@code R rho = b}), by Gaussian elimination with partial pivoting in double precision.
     *
     * @param nodes the {@code n} distinct nodes
     * @param y the right-hand side, {@code n} values
     * @return {@code rho} with {@code sum_k rho_k nodes_k^i = y_i} for {@code i = 0..n-1}
     */
    public static double[] solveVandermonde(double[] nodes, double[] y) {
        int n = nodes.length;
        double[][] a = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) a[i][k] = Math.pow(nodes[k], i);
            a[i][n] = y[i];
        }
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int i = c + 1; i < n; i++) if (Math.abs(a[i][c]) > Math.abs(a[pivot][c])) pivot = i;
            double[] t = a[c];
            a[c] = a[pivot];
            a[pivot] = t;
            for (int i = c + 1; i < n; i++) {
                double f = a[i][c] / a[c][c];
                for (int k = c; k <= n; k++) a[i][k] -= f * a[c][k];
            }
        }
        double[] rho = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = a[i][n];
            for (int k = i + 1; k < n; k++) s -= a[i][k] * rho[k];
            rho[i] = s / a[i][i];
        }
        return rho;
    }
}
