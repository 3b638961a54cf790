package org.sampler4j.plugins.samplers;

/**
 * The ER-SDE noise scaler {@code f(l) = l (e^(l^0.3) + 10)} (Cui et al. 2023, the default of ComfyUI's
 * {@code sample_er_sde}) and its stage-2/3 integrals {@code int_t^s dl / f(l)} and {@code int_t^s (l - s) / f(l) dl},
 * as ComfyUI computes them: a 200-point left Riemann sum whose points and terms are float32 (ComfyUI builds them from
 * a float32 {@code arange}), summed in float32, times the float64 step.
 *
 * @param stage2 {@code sum 1/f(l_k) * dl}
 * @param stage3 {@code sum (l_k - s)/f(l_k) * dl}
 */
record ErSdeIntegrals(double stage2, double stage3) {
    static final int POINTS = 200;

    /** {@code f(l) = l (e^(l^0.3) + 10)} in double. */
    static double scaler(double l) {
        return l * (Math.exp(Math.pow(l, 0.3)) + 10.0);
    }

    /** The integrals from {@code t} (lower) to {@code s} (upper), {@code s > t > 0}. */
    static ErSdeIntegrals of(double s, double t) {
        double step = -(t - s) / POINTS;
        float step32 = (float) step;
        float t32 = (float) t;
        float s32 = (float) s;
        float sum2 = 0;
        float sum3 = 0;
        for (int k = 0; k < POINTS; k++) {
            float pos = t32 + (float) k * step32;
            float f = pos * ((float) Math.exp((float) Math.pow(pos, 0.3f)) + 10.0f);
            sum2 += 1.0f / f;
            sum3 += (pos - s32) / f;
        }
        return new ErSdeIntegrals(sum2 * step, sum3 * step);
    }
}
