package org.sampler4j.api.diffusers;

import java.util.Map;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.ScheduleSpec;

/**
 * diffusers' consistency-distilled schedulers LCM and TCD: the inference timesteps are picked evenly from the
 * distillation grid {@code k*j - 1} ({@code k = N // original_inference_steps}, {@code j = 1..int(original * strength)}),
 * or (TCD with an explicit {@code original_inference_steps}) from all timesteps below {@code int(N * strength)}.
 * {@code timestep_spacing} is ignored.
 */
final class DdpmConsistency {
    private DdpmConsistency() {}

    /** diffusers {@code LCMScheduler.set_timesteps} / {@code TCDScheduler.set_timesteps}. */
    static DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args, DiscreteNoiseModel model, boolean tcd) {
        String cls = cfg.className();
        Integer n = args.numInferenceSteps();
        double[] custom = args.timesteps();
        if (n == null && custom == null) throw new ScheduleException(cls + ".set_timesteps() needs num_inference_steps or custom timesteps");
        if (n != null && custom != null) throw new ScheduleException(cls + ": pass either num_inference_steps or custom timesteps, not both");
        Double origArg = args.extraDbl("original_inference_steps");
        Double strengthArg = args.extraDbl("strength");
        double strength = strengthArg == null ? 1.0 : strengthArg;
        long[] grid = grid(cfg, model, origArg == null ? null : origArg.intValue(), strength, tcd);
        Map<String, double[]> extras = DdpmFamily.alphaExtras(cfg, model, true);
        if (custom != null) {
            Schedule s = DdpmFamily.customTimesteps(cfg, model, custom, strength, DdpmFamily.finalSigma(cfg));
            extras.put("custom_timesteps", new double[] {1});
            return new DiffusersTimesteps(s.timesteps(), "int64", null, 1.0, custom.length, extras, s);
        }
        int steps = DdpmFamily.requireSteps(cfg, args, model.numTrainTimesteps());
        Schedule s = pick(cfg, grid, steps, origArg == null ? cfg.integer("original_inference_steps") : origArg.intValue(), strength).resolve(model);
        extras.put("custom_timesteps", new double[] {0});
        return new DiffusersTimesteps(s.timesteps(), "int64", null, 1.0, steps, extras, s);
    }

    /** The DSL spec of {@code set_timesteps(steps)} with the config's {@code original_inference_steps} and strength 1. */
    static ScheduleSpec spec(DiffusersConfig cfg, DiscreteNoiseModel model, int steps, boolean tcd) {
        DdpmFamily.requireSteps(cfg, SetTimesteps.steps(steps), model.numTrainTimesteps());
        return pick(cfg, grid(cfg, model, null, 1.0, tcd), steps, cfg.integer("original_inference_steps"), 1.0);
    }

    /**
     * The distillation grid, ascending: {@code k*j - 1} for {@code j = 1..int(original * strength)}, or (TCD with an
     * explicit {@code original_inference_steps}) {@code 0..int(N * strength) - 1}.
     */
    private static long[] grid(DiffusersConfig cfg, DiscreteNoiseModel model, Integer originalArg, double strength, boolean tcd) {
        String cls = cfg.className();
        int original = originalArg != null ? originalArg : cfg.integer("original_inference_steps");
        if (!(strength > 0 && strength <= 1)) throw new ScheduleException(cls + ": strength must lie in (0, 1], got " + strength);
        int bigN = model.numTrainTimesteps();
        long[] grid;
        if (tcd && originalArg != null) {
            grid = new long[(int) (bigN * strength)];
            for (int j = 0; j < grid.length; j++) grid[j] = j;
        } else {
            if (original < 1 || original > bigN) {
                throw new ScheduleException(cls + ": original_inference_steps must lie in 1.." + bigN + " (num_train_timesteps), got " + original);
            }
            int k = bigN / original;
            grid = new long[(int) (original * strength)];
            for (int j = 0; j < grid.length; j++) grid[j] = (long) (j + 1) * k - 1;
        }
        return grid;
    }

    /** {@code steps} timesteps picked evenly from the grid's end ({@code floor(linspace(0, L, n, endpoint=False))}). */
    private static ScheduleSpec pick(DiffusersConfig cfg, long[] grid, int steps, int original, double strength) {
        String cls = cfg.className();
        if (grid.length / steps < 1) {
            throw new ScheduleException(cls + ": original_inference_steps x strength (" + original + " x " + strength + " = " + grid.length
                    + " distillation timesteps) is smaller than num_inference_steps (" + steps + "); use at most " + grid.length + " steps or "
                    + ((double) steps / original <= 1 ? "raise strength to at least " + ((double) steps / original)
                            : "raise original_inference_steps to at least " + (int) Math.ceil(steps / strength)));
        }
        // np.floor(np.linspace(0, L, n, endpoint=False)) indexes the grid from its end
        double stride = (double) grid.length / steps;
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) t[i] = grid[grid.length - 1 - (int) Math.floor(i * stride)];
        return Schedule.timesteps(t).convention(DdpmFamily.CONVENTION).finalSigma(DdpmFamily.finalSigma(cfg));
    }
}
