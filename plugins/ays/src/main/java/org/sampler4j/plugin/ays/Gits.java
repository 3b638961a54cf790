package org.sampler4j.plugin.ays;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.generators.LogLinear;

/**
 * GITS, geometry-inspired time scheduling (Chen et al. 2024, "On the Trajectory Regularity of ODE-based Diffusion
 * Sampling"), as ComfyUI's {@code GITSScheduler} node ({@code comfy_extras/nodes_gits.py}): a precomputed
 * SD 1.5 schedule per coefficient 0.80..1.50 (step 0.05) and step count 2..20; above 20 steps the 20-step row is
 * log-linearly interpolated ({@link LogLinear#interp}).
 */
public final class Gits {
    /** ComfyUI's default coefficient. */
    public static final double DEFAULT_COEFF = 1.20;

    private Gits() {}

    /** The coefficients with a table, ascending. */
    public static List<Double> coefficients() {
        List<Double> out = new ArrayList<>();
        for (int c : GitsTable.COEFF_HUNDREDTHS) out.add(c / 100.0);
        return out;
    }

    /**
     * The table row for {@code coeff} (rounded to 2 decimals as ComfyUI's {@code round(coeff, 2)}) and
     * {@code steps} in 2..20: {@code steps + 1} sigmas, the last the table's sigma_min.
     *
     * @throws ScheduleException for a coefficient without a table (naming the nearest ones) or steps outside 2..20
     */
    public static double[] row(double coeff, int steps) {
        if (steps < 2 || steps > 20) throw new ScheduleException("GITS table rows cover 2..20 steps, got " + steps);
        return GitsTable.LEVELS[index(coeff)][steps - 2].clone();
    }

    /**
     * {@code GITSScheduler.execute(coeff, steps, denoise)}: the table row ({@code steps <= 20}) or the 20-step row
     * interpolated to {@code steps + 1} values; for {@code denoise < 1} the last {@code round(steps * denoise) + 1}
     * (half to even); the last set to 0; float32. {@code denoise <= 0} gives no sigmas.
     */
    public static double[] comfyui(double coeff, int steps, double denoise) {
        AlignYourSteps.checkSteps(steps, 2);
        int c = index(coeff);
        int total = steps;
        if (denoise < 1.0) {
            if (denoise <= 0.0) return new double[0];
            total = (int) Math.rint(steps * denoise);
        }
        double[][] rows = GitsTable.LEVELS[c];
        double[] levels = steps <= 20 ? rows[steps - 2].clone() : LogLinear.interp(rows[rows.length - 1], steps + 1);
        return AlignYourSteps.zeroLastF32(levels, total);
    }

    private static int index(double coeff) {
        if (!Double.isFinite(coeff)) throw new ScheduleException("GITS coeff must be a number in 0.80..1.50, got " + coeff);
        int hundredths = new BigDecimal(coeff).setScale(2, RoundingMode.HALF_EVEN).movePointRight(2).intValue();
        for (int i = 0; i < GitsTable.COEFF_HUNDREDTHS.length; i++) if (GitsTable.COEFF_HUNDREDTHS[i] == hundredths) return i;
        int nearest = Math.round(hundredths / 5f) * 5;
        nearest = Math.max(80, Math.min(150, nearest));
        throw new ScheduleException("GITS has tables for coeff 0.80, 0.85, ..., 1.50 only, got " + coeff + " — did you mean "
                + BigDecimal.valueOf(nearest, 2).toPlainString() + "?");
    }
}
