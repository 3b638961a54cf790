package org.sampler4j.api.schedule;

import java.util.Arrays;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.preset.Presets;

/** Resolves a {@link ScheduleSpec} in the stage order documented there. */
final class ScheduleResolver {
    private ScheduleResolver() {}

    static Schedule resolve(ScheduleSpec spec, NoiseModel model) {
        Convention conv = spec.convention;
        // Stage 1: noise model.
        if (spec.zeroSnr) {
            if (!(model instanceof DiscreteNoiseModel d)) {
                throw new ScheduleException("zeroSnr() rescales discrete betas; the noise model is " + model.describe() + " (remove zeroSnr())");
            }
            model = d.toBuilder().zeroSnr(true).terminalClamp(conv.terminalClamp()).build();
        }
        if (spec.shift != null) {
            if (!(model instanceof FlowNoiseModel f)) {
                throw new ScheduleException("shift(" + spec.shift + ") applies to flow models; the noise model is " + model.describe() + " (remove shift())");
            }
            model = f.toBuilder().shift(spec.shift).build();
        }
        // Stage 2: step count.
        int requested = requestedSteps(spec.base);
        int steps = requested;
        if (spec.denoise != null) {
            if (!(spec.base instanceof ScheduleSpec.Spaced || spec.base instanceof ScheduleSpec.Preset)) {
                throw new ScheduleException("denoise(...) needs a step count (spacing or preset), not explicit timesteps/sigmas; use truncate(...) instead");
            }
            steps = (int) (requested / spec.denoise);
        }
        // Stage 3: base timesteps and sigmas.
        double[] t;
        double[] s;
        Double given = null;
        ScheduleSpec.Base base = spec.base;
        if (base instanceof ScheduleSpec.Spaced sp) {
            t = spacedTimesteps(model, sp.spacing(), steps, spec.stepsOffset, conv);
            s = sigmasAt(model, t);
            if (model instanceof EdmNoiseModel) t = timestepsOf(model, s, Convention.TimestepRounding.KEEP); // ramp -> c_noise
        } else if (base instanceof ScheduleSpec.Timesteps ts) {
            t = ts.values();
            checkTimesteps(model, t);
            s = sigmasAt(model, t);
        } else {
            double[] all = base instanceof ScheduleSpec.Sigmas sg ? sg.values()
                    : presetSigmas((ScheduleSpec.Preset) base, model, steps);
            s = Arrays.copyOf(all, all.length - 1);
            given = all[all.length - 1];
            t = timestepsOf(model, s, Convention.TimestepRounding.KEEP);
        }
        // Stage 4: remap.
        if (spec.remap != null) {
            s = spec.remap.apply(new SigmaRemap.RemapContext(model, s, s.length));
            t = timestepsOf(model, s, conv.remapTimesteps());
        }
        // Stage 5: final sigma.
        double last;
        if (spec.finalSigma != null) last = finalSigma(model, spec.finalSigma);
        else if (given != null) last = given;
        else last = 0.0;
        Schedule out = new Schedule(t, Numerics.append(s, last), model);
        // Stage 6: cut.
        if (spec.denoise != null) out = out.tail(Math.min(requested, out.steps()));
        if (spec.truncate != null) out = out.truncate(spec.truncate);
        return out;
    }

    private static int requestedSteps(ScheduleSpec.Base base) {
        if (base instanceof ScheduleSpec.Spaced sp) return sp.steps();
        if (base instanceof ScheduleSpec.Preset p) return p.steps();
        if (base instanceof ScheduleSpec.Timesteps ts) return ts.values().length;
        return ((ScheduleSpec.Sigmas) base).values().length - 1;
    }

    private static double[] presetSigmas(ScheduleSpec.Preset p, NoiseModel model, int steps) {
        double[] all = Presets.get(p.id()).sigmas(model, steps, p.options());
        if (all.length < 2) throw new ScheduleException("preset '" + p.id() + "' returned " + all.length + " sigmas; expected steps + 1");
        return all;
    }

    /** Stage 3 timesteps for a spacing, descending. */
    static double[] spacedTimesteps(NoiseModel model, Spacing spacing, int n, int offset, Convention conv) {
        if (model instanceof DiscreteNoiseModel d) {
            int bigN = d.numTrainTimesteps();
            if (!conv.lenientSteps() && n > bigN) {
                throw new ScheduleException("steps (" + n + ") must be <= num_train_timesteps (" + bigN + ")");
            }
            return discreteSpacing(spacing, n, bigN, offset, conv);
        }
        if (spacing != Spacing.LINSPACE || offset != 0) {
            throw new ScheduleException(spacing.id() + "(" + n + ")" + (offset != 0 ? ".stepsOffset(" + offset + ")" : "")
                    + " picks discrete training timesteps, but the noise model is " + model.describe() + "; use linspace(" + n + ")");
        }
        if (model instanceof FlowNoiseModel f) {
            // t from N (sigma 1) down to 1 (sigma 1/N), evenly; sigma = t / N, then shifted in sigmasAt
            return Numerics.numpyLinspace(f.numTrainTimesteps(), 1, n);
        }
        // EDM: the ramp position in [0, 1]; sigmas come from the Karras formula in sigmasAt
        return Numerics.numpyLinspace(0, 1, n);
    }

    /** diffusers' three spacings (Lin et al. 2023, Table 2), with the n+1-point variant of its multistep solvers. */
    static double[] discreteSpacing(Spacing spacing, int n, int bigN, int offset, Convention conv) {
        return discreteSpacing(spacing, n, bigN, bigN, offset, conv);
    }

    /**
     * As above, over the first {@code rangeEnd} training timesteps only (diffusers' {@code lambda_min_clipped}).
     * {@code trailing} never takes the extra point: it steps by {@code N/n} from {@code rangeEnd} in every class.
     */
    static double[] discreteSpacing(Spacing spacing, int n, int bigN, int rangeEnd, int offset, Convention conv) {
        int points = conv.extraPoint() && spacing != Spacing.TRAILING ? n + 1 : n;
        double[] t;
        switch (spacing) {
            case LEADING: {
                int ratio = rangeEnd / points;
                t = new double[points];
                for (int i = 0; i < points; i++) t[i] = (double) (points - 1 - i) * ratio;
                break;
            }
            case LINSPACE: {
                t = Numerics.reversed(Numerics.numpyLinspace(0, rangeEnd - 1, points));
                if (conv.roundLinspace()) t = Numerics.roundHalfEven(t);
                else t = Numerics.toF32(t);
                break;
            }
            case TRAILING: {
                double ratio = (double) bigN / n;
                double[] a = Numerics.numpyArange(rangeEnd, 0, -ratio);
                t = new double[a.length];
                for (int i = 0; i < a.length; i++) t[i] = Math.rint(a[i]) - 1;
                break;
            }
            default:
                throw new IllegalStateException();
        }
        if (points > n) t = Arrays.copyOf(t, n);
        if (offset != 0) for (int i = 0; i < t.length; i++) t[i] += offset;
        return t;
    }

    private static void checkTimesteps(NoiseModel model, double[] t) {
        if (model instanceof DiscreteNoiseModel d && t[0] > d.numTrainTimesteps() - 1) {
            throw new ScheduleException("timesteps(...) starts at " + ScheduleSpec.fmt(t[0]) + " but the model has timesteps 0.."
                    + (d.numTrainTimesteps() - 1));
        }
    }

    /** Sigmas of timesteps under a noise model. */
    static double[] sigmasAt(NoiseModel model, double[] t) {
        double[] s = new double[t.length];
        if (model instanceof DiscreteNoiseModel d) {
            for (int i = 0; i < t.length; i++) s[i] = d.sigmaAt(t[i]);
        } else if (model instanceof FlowNoiseModel f) {
            for (int i = 0; i < t.length; i++) s[i] = FlowNoiseModel.shiftSigma(f.shift(), t[i] / f.numTrainTimesteps());
        } else {
            EdmNoiseModel e = (EdmNoiseModel) model;
            double[] k = Remaps.Karras.karras(t.length, e.sigmaMin(), e.sigmaMax(), Remaps.Karras.DEFAULT_RHO);
            System.arraycopy(k, 0, s, 0, k.length);
        }
        return s;
    }

    /** Timesteps of sigmas under a noise model ({@code sigma_to_t}, {@code sigma * N}, or EDM's {@code log(sigma)/4}). */
    static double[] timestepsOf(NoiseModel model, double[] s, Convention.TimestepRounding rounding) {
        double[] t = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            if (model instanceof DiscreteNoiseModel d) t[i] = rounding.apply(d.sigmaToT(s[i]));
            else if (model instanceof FlowNoiseModel f) t[i] = s[i] * f.numTrainTimesteps();
            else t[i] = ((EdmNoiseModel) model).timestepOf(s[i]);
        }
        return t;
    }

    static double finalSigma(NoiseModel model, FinalSigma f) {
        return f == FinalSigma.ZERO ? 0.0 : model.sigmaMin();
    }
}
