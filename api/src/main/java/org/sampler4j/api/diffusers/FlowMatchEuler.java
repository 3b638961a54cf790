package org.sampler4j.api.diffusers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.schedule.FlowNoiseModel;
import org.sampler4j.api.schedule.FlowShift;
import org.sampler4j.api.schedule.Remaps;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.ScheduleSpec;
import org.sampler4j.api.schedule.SigmaRemap;

/**
 * diffusers {@code FlowMatchEulerDiscreteScheduler} (SD3, FLUX, AuraFlow, Mochi, LTX-Video): unshifted sigmas from
 * {@code linspace(sigma_max, sigma_min)} (where {@code sigma_min} is already shifted in {@code __init__}, so a static
 * shift hits the last sigma twice), custom timesteps {@code t/N} or custom sigmas; then {@link FlowShift} (static or
 * dynamic shift, {@code shift_terminal}); then optionally Karras/exponential/beta sigmas between the shifted ends;
 * float32 sigmas and timesteps {@code sigma * N}; {@code invert_sigmas} flips to {@code 1 - sigma}.
 */
final class FlowMatchEuler {
    private FlowMatchEuler() {}

    /** diffusers {@code FlowMatchEulerDiscreteScheduler.__init__} checks. */
    static void checkInit(DiffusersConfig cfg) {
        List<String> remaps = new ArrayList<>();
        for (String k : new String[] {"use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas"}) if (cfg.bool(k)) remaps.add(k);
        if (remaps.size() > 1) {
            throw new ScheduleException(cfg.className() + ": only one of use_karras_sigmas, use_exponential_sigmas and use_beta_sigmas may be set, got "
                    + String.join(" and ", remaps) + "; keep one");
        }
        model(cfg);
    }

    /** The flow noise model of the config ({@code time_shift_type} must be exponential or linear). */
    static FlowNoiseModel model(DiffusersConfig cfg) {
        Double terminal = cfg.optDbl("shift_terminal");
        return FlowNoiseModel.builder().numTrainTimesteps(cfg.integer("num_train_timesteps")).shift(cfg.dbl("shift"))
                .dynamicShifting(cfg.bool("use_dynamic_shifting")).baseShift(cfg.dbl("base_shift")).maxShift(cfg.dbl("max_shift"))
                .baseImageSeqLen(cfg.integer("base_image_seq_len")).maxImageSeqLen(cfg.integer("max_image_seq_len"))
                .timeShift(FlowNoiseModel.TimeShift.parse(cfg.str("time_shift_type")))
                .shiftTerminal(terminal == null || terminal == 0 ? null : terminal).build();
    }

    /** diffusers {@code FlowMatchEulerDiscreteScheduler.set_timesteps}. */
    static DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args) {
        String cls = cfg.className();
        FlowNoiseModel model = model(cfg);
        int bigN = model.numTrainTimesteps();
        if (model.dynamicShifting() && args.mu() == null) {
            throw new ScheduleException(cls + ": use_dynamic_shifting is on, so set_timesteps needs mu (e.g. calculate_shift(image_seq_len))");
        }
        double[] sigmas = args.sigmas();
        double[] timesteps = args.timesteps();
        if (sigmas != null && timesteps != null && sigmas.length != timesteps.length) {
            throw new ScheduleException(cls + ": custom sigmas (" + sigmas.length + ") and timesteps (" + timesteps.length
                    + ") must have the same length; give one value per step in both");
        }
        Integer requested = args.numInferenceSteps();
        int n;
        if (requested != null) {
            if ((sigmas != null && sigmas.length != requested) || (timesteps != null && timesteps.length != requested)) {
                throw new ScheduleException(cls + ": custom sigmas/timesteps must have num_inference_steps (" + requested
                        + ") values; drop num_inference_steps or fix the lists");
            }
            n = requested;
        } else if (sigmas != null || timesteps != null) {
            n = sigmas != null ? sigmas.length : timesteps.length;
        } else {
            throw new ScheduleException(cls + ".set_timesteps() needs num_inference_steps, sigmas or timesteps");
        }
        if (n < 0) throw new ScheduleException(cls + ": num_inference_steps must be >= 0, got " + n);

        // 1. unshifted sigmas
        double[] base;
        if (sigmas != null) {
            base = Numerics.toF32(sigmas);
        } else if (timesteps != null) {
            base = new double[n];
            for (int i = 0; i < n; i++) base[i] = (float) ((float) timesteps[i] / bigN);
        } else {
            base = spacedBase(model, n);
        }
        // 2.-4. shift, stretch to shift_terminal, optional Karras/exponential/beta between the shifted ends
        double[] s = resolve(base, remap(cfg, model, args.mu(), base), model);
        // 5.-6. float32 tensors; timesteps sigma * N; terminal sigma 0 (or 1 when inverted)
        double[] t = new double[n];
        double[] out = new double[n + 1];
        boolean invert = cfg.bool("invert_sigmas");
        for (int i = 0; i < n; i++) {
            float si = (float) s[i];
            if (invert) si = 1f - si;
            out[i] = si;
            t[i] = si * (float) bigN;
        }
        out[n] = invert ? 1.0 : 0.0;
        Schedule schedule = n >= 1 && !invert ? new Schedule(t, out, model) : null;
        return new DiffusersTimesteps(t, "float32", out, null, n, Map.of("shift", new double[] {cfg.dbl("shift")}), schedule);
    }

    /**
     * The DSL spec of {@code set_timesteps(steps)} (float64; diffusers then rounds sigmas and timesteps to float32).
     * Not for dynamic shifting (its {@code mu} is a per-call argument) or {@code invert_sigmas}.
     */
    static ScheduleSpec spec(DiffusersConfig cfg, int steps) {
        FlowNoiseModel model = model(cfg);
        if (model.dynamicShifting()) {
            throw new ScheduleException(cfg.className() + ": with use_dynamic_shifting the schedule depends on set_timesteps(mu=...); "
                    + "build it with Schedule.sigmas(...).remap(FlowShift.ofMu(mu, type)) or use DiffusersSchedules.setTimesteps");
        }
        if (cfg.bool("invert_sigmas")) {
            throw new ScheduleException(cfg.className() + ": invert_sigmas gives increasing sigmas, which are no sampler4j schedule; use DiffusersSchedules.setTimesteps");
        }
        if (steps < 1) throw new ScheduleException(cfg.className() + ": steps must be >= 1, got " + steps);
        double[] base = spacedBase(model, steps);
        return Schedule.sigmas(Numerics.append(base, 0.0)).remap(remap(cfg, model, null, base));
    }

    /** {@code linspace(sigma_max*N, sigma_min*N, n) / N} with the {@code __init__} ends. */
    private static double[] spacedBase(FlowNoiseModel model, int n) {
        int bigN = model.numTrainTimesteps();
        double[] ends = initSigmaEnds(model);
        double[] base = Numerics.numpyLinspace(ends[0] * bigN, ends[1] * bigN, n);
        for (int i = 0; i < n; i++) base[i] /= bigN;
        return base;
    }

    /** The shift (static, or dynamic with {@code mu}) plus terminal stretch, or Karras/exponential/beta between its ends. */
    private static SigmaRemap remap(DiffusersConfig cfg, FlowNoiseModel model, Double mu, double[] base) {
        FlowShift shift = (model.dynamicShifting() ? FlowShift.ofMu(mu, model.timeShift()) : FlowShift.ofShift(model.shift()))
                .withTerminal(model.shiftTerminal());
        if (!(cfg.bool("use_karras_sigmas") || cfg.bool("use_exponential_sigmas") || cfg.bool("use_beta_sigmas"))) return shift;
        if (base.length == 0) throw new ScheduleException(cfg.className() + ": Karras/exponential/beta sigmas need at least one step");
        double[] shifted = shift.shiftAll(base);
        double lo = shifted[shifted.length - 1];
        double hi = shifted[0];
        if (cfg.bool("use_karras_sigmas")) return new Remaps.Karras(Remaps.Karras.DEFAULT_RHO, lo, hi);
        if (cfg.bool("use_exponential_sigmas")) return new Remaps.Exponential(lo, hi);
        return new Remaps.Beta(Remaps.Beta.DEFAULT, Remaps.Beta.DEFAULT, lo, hi);
    }

    /**
     * The class's {@code sigma_max} and {@code sigma_min} after {@code __init__}: {@code t/N} for {@code t = N} and
     * {@code 1}, statically shifted in float32 unless dynamic shifting is on.
     */
    private static double[] initSigmaEnds(FlowNoiseModel model) {
        float n = model.numTrainTimesteps();
        float[] ends = {n / n, 1f / n};
        if (!model.dynamicShifting()) {
            float s = (float) model.shift();
            float s1 = (float) (model.shift() - 1);
            for (int i = 0; i < 2; i++) ends[i] = s * ends[i] / (1f + s1 * ends[i]);
        }
        return new double[] {ends[0], ends[1]};
    }

    /**
     * The shifted (or remapped) step sigmas through the DSL: {@code sigmas(base..., 0).remap(...)}. Bases the DSL
     * rejects as a schedule (no step, repeated or increasing custom sigmas) get the same remap applied directly.
     */
    private static double[] resolve(double[] base, SigmaRemap remap, FlowNoiseModel model) {
        boolean valid = base.length >= 1;
        for (int i = 0; i < base.length && valid; i++) valid = base[i] > 0 && (i == 0 || base[i] < base[i - 1]);
        if (!valid) return remap.apply(new SigmaRemap.RemapContext(model, base, base.length));
        double[] all = Schedule.sigmas(Numerics.append(base, 0.0)).remap(remap).resolve(model).sigmas();
        return Arrays.copyOf(all, base.length);
    }
}
