package org.sampler4j.plugins.samplers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sampler4j.api.schedule.generators.Dtype;
import org.sampler4j.api.schedule.generators.KDiffusionSigmas;

/**
 * The restart intervals of Restart sampling (Xu et al. 2023) and their syntax, {@code t_min:K:t_max} separated by
 * {@code ;} (e.g. {@code 0.1:2:2;1:1:5}): {@code 0 < t_min < t_max} are noise levels (sigma of the variance-exploding
 * frame, as the schedule), {@code K >= 1} the number of repetitions. Whitespace around fields and one trailing
 * {@code ;} are allowed; an empty (or blank) string means no restarts.
 *
 * <p>On a schedule, {@code t_min} snaps to the nearest positive sigma after the first ({@link Interval#attachIndex}),
 * which must lie below {@code t_max}; intervals that snap to the same sigma run one after the other, in the given
 * order. The noise level {@code t_max} is used as given.
 */
final class RestartIntervals {
    /** One interval. */
    record Interval(double tMin, int k, double tMax) {
        /**
         * The index {@code i >= 1} of the positive schedule sigma nearest to {@code t_min} (the first of equally near
         * ones): the restart follows the main step that ends there, and goes back down to exactly {@code sigmas[i]}.
         */
        int attachIndex(double[] sigmas) {
            int best = -1;
            for (int i = 1; i < sigmas.length; i++) {
                if (sigmas[i] > 0 && (best < 0 || Math.abs(sigmas[i] - tMin) < Math.abs(sigmas[best] - tMin))) best = i;
            }
            if (best < 0) throw new IllegalArgumentException("restart interval " + this + " needs a schedule with a positive sigma after the first, got " + sigmas.length + " sigmas");
            if (!(sigmas[best] < tMax)) {
                throw new IllegalArgumentException("restart interval " + this + ": t_min snaps to the schedule sigma " + sigmas[best]
                        + ", which is not below t_max; raise t_max or lower t_min");
            }
            return best;
        }

        @Override
        public String toString() {
            return tMin + ":" + k + ":" + tMax;
        }
    }

    private RestartIntervals() {}

    /** Parses the option value; errors name the interval and the rule it breaks. */
    static List<Interval> parse(String spec) {
        List<Interval> out = new ArrayList<>();
        String[] entries = spec.trim().isEmpty() ? new String[0] : spec.split(";", -1);
        for (int n = 0; n < entries.length; n++) {
            String entry = entries[n].trim();
            if (entry.isEmpty() && n == entries.length - 1 && n > 0) break;
            String where = "restart interval " + (n + 1) + " ('" + entry + "') of option 'restarts'";
            String[] f = entry.split(":", -1);
            if (f.length != 3) throw new IllegalArgumentException(where + " must be t_min:K:t_max (e.g. 0.1:2:2), got " + f.length + " field(s)");
            double tMin = number(f[0], where, "t_min");
            double tMax = number(f[2], where, "t_max");
            int k;
            try {
                k = Integer.parseInt(f[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": K must be a whole number, got '" + f[1].trim() + "'");
            }
            if (!(tMin > 0)) throw new IllegalArgumentException(where + ": t_min must be > 0, got " + tMin);
            if (k < 1) throw new IllegalArgumentException(where + ": K must be >= 1, got " + k);
            if (!(tMax > tMin)) throw new IllegalArgumentException(where + ": t_max must be > t_min, got " + tMax + " <= " + tMin);
            out.add(new Interval(tMin, k, tMax));
        }
        return out;
    }

    private static double number(String s, String where, String name) {
        double d;
        try {
            d = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + name + " must be a number, got '" + s.trim() + "'");
        }
        if (!Double.isFinite(d)) throw new IllegalArgumentException(where + ": " + name + " must be finite, got " + s.trim());
        return d;
    }

    /** The intervals by {@link Interval#attachIndex} ({@code sigmas.length} lists, each in the given order). */
    static List<List<Interval>> byAttachIndex(List<Interval> intervals, double[] sigmas) {
        List<List<Interval>> after = new ArrayList<>();
        for (int i = 0; i < sigmas.length; i++) after.add(new ArrayList<>());
        for (Interval r : intervals) after.get(r.attachIndex(sigmas)).add(r);
        return after;
    }

    /** The {@code steps + 1} sigmas of a restart pass: Karras spacing (rho 7) from {@code tMax} down to exactly {@code sMin}. */
    static double[] passSigmas(double sMin, double tMax, int steps) {
        double[] s = Arrays.copyOf(KDiffusionSigmas.karras(steps + 1, sMin, tMax, 7.0, Dtype.FLOAT64), steps + 1);
        s[0] = tMax;
        s[steps] = sMin;
        return s;
    }
}
