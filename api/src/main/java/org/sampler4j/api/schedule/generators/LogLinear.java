package org.sampler4j.api.schedule.generators;

import org.sampler4j.api.math.Numerics;

/** Log-linear resampling of a decreasing sigma sequence. */
public final class LogLinear {
    private LogLinear() {}

    /**
     * Align Your Steps' {@code loglinear_interp} (Sabour et al. 2024, NVIDIA's how-to; ComfyUI
     * {@code nodes_align_your_steps.py} / {@code nodes_gits.py}): {@code num} values from {@code np.interp} of
     * {@code log(levels)} on {@code np.linspace(0, 1, len)} at {@code np.linspace(0, 1, num)}, exponentiated,
     * in float64. The first and last values equal the first and last levels up to rounding of {@code exp(log(x))}.
     *
     * @param descending positive levels, decreasing
     * @param num number of values wanted, {@code >= 1}
     * @return the {@code num} interpolated values, descending
     */
    public static double[] interp(double[] descending, int num) {
        int n = descending.length;
        double[] xs = Numerics.numpyLinspace(0, 1, n);
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) ys[i] = Math.log(descending[n - 1 - i]);
        double[] newYs = Numerics.interp(Numerics.numpyLinspace(0, 1, num), xs, ys);
        double[] out = new double[num];
        for (int i = 0; i < num; i++) out[i] = Math.exp(newYs[num - 1 - i]);
        return out;
    }
}
