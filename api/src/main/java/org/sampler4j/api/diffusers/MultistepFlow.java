package org.sampler4j.api.diffusers;

import java.util.Arrays;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.schedule.FlowNoiseModel;
import org.sampler4j.api.schedule.Schedule;

/**
 * The flow-matching variant ({@code use_flow_sigmas=True}) of diffusers' DPM-Solver family (see
 * {@link MultistepFamily}): sigmas in {@code (0, 1]}, timesteps {@code int64(sigma * N)}.
 */
final class MultistepFlow {
    private MultistepFlow() {}

    /**
     * DPM-Solver (multistep, singlestep), DEIS and SA-Solver: {@code 1 - linspace(1, 1/N, n+1)}, shifted by
     * {@code shift}, reversed, last dropped; the first sigma is therefore {@code shift(1 - 1/N)}, not 1.
     */
    // diffusers DPMSolverMultistepScheduler.set_timesteps (use_flow_sigmas branch)
    static double[] shiftedSigmas(int n, int bigN, double shift) {
        double[] alphas = Numerics.numpyLinspace(1, 1.0 / bigN, n + 1);
        double[] out = new double[n];
        for (int j = 0; j < n; j++) out[j] = FlowNoiseModel.shiftSigma(shift, 1.0 - alphas[n - j]);
        return out;
    }

    /**
     * UniPC: {@code linspace(1, 1/N, n+1)[:-1]} (or the custom sigmas), time-shifted by {@code mu} under
     * {@code use_dynamic_shifting} or else shifted by {@code flow_shift}, stretched to {@code shift_terminal} if set;
     * a first sigma within 1e-6 of 1 is lowered by 1e-6.
     */
    // diffusers UniPCMultistepScheduler.set_timesteps (use_flow_sigmas branch)
    static double[] unipcSigmas(DiffusersConfig cfg, int n, int bigN, double[] custom, Double mu) {
        double[] s = custom != null ? custom.clone() : Arrays.copyOf(Numerics.numpyLinspace(1, 1.0 / bigN, n + 1), n);
        if (cfg.bool("use_dynamic_shifting")) {
            FlowNoiseModel.TimeShift type = FlowNoiseModel.TimeShift.parse(cfg.str("time_shift_type"));
            for (int i = 0; i < s.length; i++) s[i] = timeShift(type, mu, s[i]);
        } else {
            double shift = cfg.dbl("flow_shift");
            for (int i = 0; i < s.length; i++) s[i] = FlowNoiseModel.shiftSigma(shift, s[i]);
        }
        Double terminal = cfg.optDbl("shift_terminal");
        if (terminal != null && terminal != 0) stretchToTerminal(s, terminal);
        double eps = 1e-6;
        if (Math.abs(s[0] - 1) < eps) s[0] -= eps;
        return s;
    }

    /** Flow sigmas {@code s/(1+s)} of VP sigmas (UniPC with Karras and flow sigmas). */
    static Schedule fromVpSigmas(double[] vp, int bigN) {
        double[] s = new double[vp.length];
        for (int i = 0; i < s.length; i++) s[i] = vp[i] / (vp[i] + 1);
        return schedule(s, bigN, 1.0);
    }

    /**
     * The schedule of step sigmas {@code s} (final sigma 0, replaced by the caller): timesteps {@code int64(s * N)}.
     * UniPC's Karras sigmas over custom sigmas run upwards, which no DSL base accepts; those are taken as they are.
     */
    static Schedule schedule(double[] s, int bigN, double shift) {
        FlowNoiseModel model = FlowNoiseModel.builder().numTrainTimesteps(bigN).shift(shift).build();
        double[] withFinal = Numerics.append(s, 0.0);
        double[] t;
        if (descending(withFinal)) {
            t = Schedule.sigmas(withFinal).resolve(model).timesteps();
        } else {
            t = new double[s.length];
            for (int i = 0; i < t.length; i++) t[i] = s[i] * bigN;
        }
        for (int i = 0; i < t.length; i++) t[i] = (double) (long) t[i];
        return new Schedule(t, withFinal, model);
    }

    private static boolean descending(double[] xs) {
        for (int i = 1; i < xs.length; i++) if (!(xs[i] < xs[i - 1])) return false;
        return true;
    }

    // diffusers FlowMatchEulerDiscreteScheduler.time_shift with sigma = 1, as UniPC calls it
    private static double timeShift(FlowNoiseModel.TimeShift type, double mu, double t) {
        double x = 1 / t - 1;
        return type == FlowNoiseModel.TimeShift.EXPONENTIAL ? Math.exp(mu) / (Math.exp(mu) + x) : mu / (mu + x);
    }

    // diffusers FlowMatchEulerDiscreteScheduler.stretch_shift_to_terminal
    private static void stretchToTerminal(double[] s, double terminal) {
        double scale = (1 - s[s.length - 1]) / (1 - terminal);
        for (int i = 0; i < s.length; i++) s[i] = 1 - (1 - s[i]) / scale;
    }
}
