package org.sampler4j.api.schedule;

import java.util.Map;
import org.sampler4j.api.math.Numerics;

/**
 * Karras and exponential sigma ramps evaluated in float32 tensor arithmetic, as torch 2 computes them from a float32
 * {@code torch.linspace} (diffusers' {@code EDMDPMSolverMultistepScheduler} and {@code EDMEulerScheduler}). The
 * results are float32 values; the float64 remaps of {@link Remaps} differ from them in the last bits, which matters
 * where EDM's noise conditioning {@code log(sigma)/4} is near zero.
 */
public final class Float32Remaps {
    private Float32Remaps() {}

    /**
     * Karras et al. 2022, eq. 5, in float32: ramp {@code torch.linspace(0, 1, n)}, then
     * {@code (max^(1/rho) + ramp * (min^(1/rho) - max^(1/rho)))^rho} with every tensor operation rounded to float32
     * (diffusers {@code EDMDPMSolverMultistepScheduler._compute_karras_sigmas}).
     *
     * @param rho the exponent, positive (7 in the paper)
     * @param sigmaMin the smallest sigma, or {@code null} for the base schedule's
     * @param sigmaMax the largest sigma, or {@code null} for the base schedule's
     */
    public record Karras(double rho, Double sigmaMin, Double sigmaMax) implements SigmaRemap {
        /** DSL name. */
        public static final String NAME = "karras32";

        /**
         * Checks that {@code rho} is positive.
         *
         * @param rho positive
         * @param sigmaMin the smallest sigma, or {@code null}
         * @param sigmaMax the largest sigma, or {@code null}
         */
        public Karras {
            if (!(rho > 0)) throw new ScheduleException(NAME + " rho must be > 0, got " + rho);
        }

        @Override public String name() { return NAME; }

        @Override
        public Map<String, Object> nonDefaultParams() {
            return Remaps.params("rho", rho == Remaps.Karras.DEFAULT_RHO ? null : rho, "sigma_min", sigmaMin, "sigma_max", sigmaMax);
        }

        @Override
        public double[] apply(RemapContext c) {
            return karras(c.steps(), Remaps.lo(sigmaMin, c), Remaps.hi(sigmaMax, c), rho);
        }

        /**
         * {@return the float32 Karras sequence of {@code n} sigmas from {@code sigmaMax} down to {@code sigmaMin}}
         *
         * @param n the number of sigmas, at least 1
         * @param sigmaMin the last sigma, positive
         * @param sigmaMax the first sigma
         * @param rho the exponent, positive
         */
        public static double[] karras(int n, double sigmaMin, double sigmaMax, double rho) {
            double maxInv = Math.pow(sigmaMax, 1 / rho);
            float span = (float) (Math.pow(sigmaMin, 1 / rho) - maxInv);
            float base = (float) maxInv;
            float[] ramp = Numerics.torch2LinspaceF32(0, 1, n);
            double[] out = new double[n];
            for (int i = 0; i < n; i++) out[i] = (float) Math.pow(base + ramp[i] * span, rho);
            return out;
        }
    }

    /**
     * Log-linear sigmas in float32: {@code torch.linspace(log min, log max, n).exp().flip(0)}
     * (diffusers {@code EDMEulerScheduler._compute_exponential_sigmas}).
     *
     * @param sigmaMin the smallest sigma, or {@code null} for the base schedule's
     * @param sigmaMax the largest sigma, or {@code null} for the base schedule's
     */
    public record Exponential(Double sigmaMin, Double sigmaMax) implements SigmaRemap {
        /** DSL name. */
        public static final String NAME = "exponential32";

        @Override public String name() { return NAME; }

        @Override
        public Map<String, Object> nonDefaultParams() {
            return Remaps.params("sigma_min", sigmaMin, "sigma_max", sigmaMax);
        }

        @Override
        public double[] apply(RemapContext c) {
            return exponential(c.steps(), Remaps.lo(sigmaMin, c), Remaps.hi(sigmaMax, c));
        }

        /**
         * {@return the float32 log-linear sequence of {@code n} sigmas from {@code sigmaMax} down to {@code sigmaMin}}
         *
         * @param n the number of sigmas, at least 1
         * @param sigmaMin the last sigma, positive
         * @param sigmaMax the first sigma
         */
        public static double[] exponential(int n, double sigmaMin, double sigmaMax) {
            float[] l = Numerics.torch2LinspaceF32(Math.log(sigmaMin), Math.log(sigmaMax), n);
            double[] out = new double[n];
            for (int i = 0; i < n; i++) out[i] = (float) Math.exp(l[n - 1 - i]);
            return out;
        }
    }
}
