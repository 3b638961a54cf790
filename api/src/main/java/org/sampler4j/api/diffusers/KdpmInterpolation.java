package org.sampler4j.api.diffusers;

/**
 * The interpolated sigmas of diffusers' KDPM2 and KDPM2Ancestral schedulers (k-diffusion's {@code sample_dpm_2} and
 * {@code sample_dpm_2_ancestral} midpoints), computed in float32 in diffusers' order of operations so that the
 * same entries become NaN or 0.
 */
final class KdpmInterpolation {
    private KdpmInterpolation() {}

    /** {@code torch.lerp} for float32: {@code a + w (b - a)} for {@code |w| < 0.5}, else {@code b - (b - a)(1 - w)}. */
    static float lerp(float a, float b, float w) {
        return Math.abs(w) < 0.5f ? a + w * (b - a) : b - (b - a) * (1f - w);
    }

    private static float log(float x) {
        return (float) Math.log(x);
    }

    private static float exp(float x) {
        return (float) Math.exp(x);
    }

    /** KDPM2: geometric midpoint of each sigma and its predecessor ({@code sigmas.log().lerp(sigmas.roll(1).log(), 0.5).exp()}). */
    static double[] geometric(double[] sigmas) {
        int n = sigmas.length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            float s = (float) sigmas[i];
            float prev = (float) sigmas[(i - 1 + n) % n];
            out[i] = exp(lerp(log(s), log(prev), 0.5f));
        }
        return out;
    }

    /** KDPM2Ancestral: geometric midpoint of each sigma and its ancestral {@code sigma_down}; the last two are 0. */
    static double[] ancestral(double[] sigmas) {
        int n = sigmas.length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            float s = (float) sigmas[i];
            float next = i + 1 < n ? (float) sigmas[i + 1] : 0f;
            float up = (float) Math.sqrt(next * next * (s * s - next * next) / (s * s));
            float down = i == n - 1 ? 0f : (float) Math.sqrt(next * next - up * up);
            out[i] = exp(lerp(log(s), log(down), 0.5f));
        }
        out[n - 1] = 0;
        if (n >= 2) out[n - 2] = 0;
        return out;
    }

    /** {@code cat([v[:1], v[1:].repeat_interleave(2), v[-1:]])}. */
    static double[] repeatTail(double[] v) {
        double[] out = new double[2 * v.length];
        out[0] = v[0];
        int k = 1;
        for (int i = 1; i < v.length; i++) { out[k++] = v[i]; out[k++] = v[i]; }
        out[k] = v[v.length - 1];
        return out;
    }

    /**
     * Timesteps {@code [t0, ti_a, t1, ti_b, t2, ...]}: each step's timestep preceded by the interpolated one
     * (KDPM2: {@code ti[1:-1]}; ancestral: {@code ti[:-2]}).
     */
    static double[] interleave(double[] t, double[] ti, boolean ancestral) {
        int n = t.length;
        if (n == 0) return t;
        double[] out = new double[2 * n - 1];
        out[0] = t[0];
        for (int i = 1; i < n; i++) {
            out[2 * i - 1] = ancestral ? ti[i - 1] : ti[i];
            out[2 * i] = t[i];
        }
        return out;
    }
}
