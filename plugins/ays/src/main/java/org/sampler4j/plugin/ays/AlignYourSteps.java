package org.sampler4j.plugin.ays;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sampler4j.api.schedule.Names;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.generators.LogLinear;

/**
 * Align Your Steps (Sabour, Fidler and Kreis 2024, "Align Your Steps: Optimizing Sampling Schedules in Diffusion
 * Models"): NVIDIA's optimised 10-step noise levels for SD 1.5, SDXL and Stable Video Diffusion, extended to other
 * step counts by log-linear interpolation ({@link LogLinear#interp}).
 *
 * <p>Tools disagree on what an n-step AYS schedule is; each behaviour is a {@link Variant}:
 * <ul>
 *   <li>{@link Variant#COMFYUI} (ComfyUI {@code AlignYourStepsScheduler}, the default of the {@code ays} preset):
 *       the 11 published levels (10 digits) are the 10-step schedule; other counts interpolate the levels to
 *       {@code steps + 1} values; the last value is then set to 0; float32. 10 steps therefore end
 *       {@code ..., 0.1515, 0} — the published sigma_min 0.0292 is never used.</li>
 *   <li>{@link Variant#WEBUI} (AUTOMATIC1111 and Forge, {@code modules/sd_schedulers.py}
 *       {@code get_align_your_steps_sigmas}, identical in both): the levels rounded to 3 decimals; n steps
 *       interpolate them to n values and append 0, so 10 steps end {@code ..., 0.029, 0}; only n = 11 uses the
 *       published levels unchanged (plus 0). No SVD table.</li>
 *   <li>{@link Variant#DIFFUSERS} (diffusers {@code AysSchedules}): the 3-decimal 10-step sigma lists with a final
 *       0 in place of sigma_min (SVD: 0.002 replaced by 0), and the matching integer timesteps for SD 1.5/SDXL;
 *       10 steps only.</li>
 * </ul>
 */
public final class AlignYourSteps {
    private AlignYourSteps() {}

    /** The models NVIDIA published levels for. */
    public enum Model {
        /** Stable Diffusion 1.5 (ComfyUI "SD1"). */
        SD1("sd1"),
        /** Stable Diffusion XL. */
        SDXL("sdxl"),
        /** Stable Video Diffusion. */
        SVD("svd");

        private final String id;

        Model(String id) {
            this.id = id;
        }

        /** The option value, e.g. {@code sdxl}. */
        public String id() {
            return id;
        }

        /** Parses {@code sd1} (also {@code sd15}, {@code sd1.5}), {@code sdxl}, {@code svd}, case-insensitively. */
        public static Model parse(String s) {
            String v = s.toLowerCase(Locale.ROOT);
            switch (v) {
                case "sd1": case "sd15": case "sd1.5": return SD1;
                case "sdxl": return SDXL;
                case "svd": return SVD;
                default: throw new ScheduleException(Names.unknown("AYS model", s, List.of("sd1", "sdxl", "svd")));
            }
        }
    }

    /** Which tool's reading of "n-step AYS" to reproduce (see the class comment). */
    public enum Variant {
        /** ComfyUI's {@code AlignYourStepsScheduler} node (default). */
        COMFYUI("comfyui"),
        /** AUTOMATIC1111 / Forge ({@code webui}, aliases {@code a1111}, {@code forge}). */
        WEBUI("webui"),
        /** diffusers' {@code AysSchedules} constants (10 steps only). */
        DIFFUSERS("diffusers");

        private final String id;

        Variant(String id) {
            this.id = id;
        }

        /** The option value. */
        public String id() {
            return id;
        }

        /** Parses {@code comfyui}, {@code webui} / {@code a1111} / {@code forge}, {@code diffusers}. */
        public static Variant parse(String s) {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "comfyui": case "comfy": return COMFYUI;
                case "webui": case "a1111": case "forge": return WEBUI;
                case "diffusers": return DIFFUSERS;
                default: throw new ScheduleException(Names.unknown("AYS variant", s, List.of("comfyui", "webui", "a1111", "forge", "diffusers")));
            }
        }
    }

    // ComfyUI comfy_extras/nodes_align_your_steps.py NOISE_LEVELS (from NVIDIA's how-to page)
    private static final double[] SD1 = {14.6146412293, 6.4745760956, 3.8636745985, 2.6946151520, 1.8841921177, 1.3943805092,
        0.9642583904, 0.6523686016, 0.3977456272, 0.1515232662, 0.0291671582};
    private static final double[] SDXL = {14.6146412293, 6.3184485287, 3.7681790315, 2.1811480769, 1.3405244945, 0.8620721141,
        0.5550693289, 0.3798540708, 0.2332364134, 0.1114188177, 0.0291671582};
    private static final double[] SVD = {700.00, 54.5, 15.886, 7.977, 4.248, 1.789, 0.981, 0.403, 0.173, 0.034, 0.002};

    // A1111 / Forge modules/sd_schedulers.py (3 decimals)
    private static final double[] WEBUI_SD1 = {14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.029};
    private static final double[] WEBUI_SDXL = {14.615, 6.315, 3.771, 2.181, 1.342, 0.862, 0.555, 0.380, 0.234, 0.113, 0.029};

    // diffusers src/diffusers/schedulers/... AysSchedules
    private static final double[] DIFFUSERS_SD1 = {14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.0};
    private static final double[] DIFFUSERS_SDXL = {14.615, 6.315, 3.771, 2.181, 1.342, 0.862, 0.555, 0.380, 0.234, 0.113, 0.0};
    private static final double[] DIFFUSERS_SVD = {700.0, 54.5, 15.886, 7.977, 4.248, 1.789, 0.981, 0.403, 0.173, 0.034, 0.0};
    private static final int[] DIFFUSERS_SD1_TIMESTEPS = {999, 850, 736, 645, 545, 455, 343, 233, 124, 24};
    private static final int[] DIFFUSERS_SDXL_TIMESTEPS = {999, 845, 730, 587, 443, 310, 193, 116, 53, 13};

    /** The 11 published noise levels (ComfyUI's {@code NOISE_LEVELS}), descending, ending at the model's sigma_min. */
    public static double[] noiseLevels(Model model) {
        return switch (model) {
            case SD1 -> SD1.clone();
            case SDXL -> SDXL.clone();
            case SVD -> SVD.clone();
        };
    }

    /**
     * ComfyUI {@code AlignYourStepsScheduler.get_sigmas(model_type, steps, denoise)}: the levels, interpolated to
     * {@code steps + 1} values unless {@code steps == 10}; for {@code denoise < 1} the last
     * {@code round(steps * denoise) + 1} of them (Python rounding, half to even); the last set to 0; float32.
     * {@code denoise <= 0} gives no sigmas.
     */
    public static double[] comfyui(Model model, int steps, double denoise) {
        checkSteps(steps, 1);
        int total = steps;
        if (denoise < 1.0) {
            if (denoise <= 0.0) return new double[0];
            total = (int) Math.rint(steps * denoise);
        }
        double[] levels = steps + 1 == 11 ? noiseLevels(model) : LogLinear.interp(noiseLevels(model), steps + 1);
        return zeroLastF32(levels, total);
    }

    /**
     * The float64 {@code loglinear_interp} result ComfyUI's node computes before slicing and the float32 cast
     * ({@code steps + 1} values), or {@code null} at 10 steps, where it uses the levels as they are.
     */
    public static double[] comfyuiInterpolation(Model model, int steps) {
        checkSteps(steps, 1);
        return steps + 1 == 11 ? null : LogLinear.interp(noiseLevels(model), steps + 1);
    }

    /**
     * AUTOMATIC1111 / Forge {@code get_align_your_steps_sigmas(n)}: the 3-decimal levels interpolated to {@code n}
     * values (unchanged when {@code n == 11}), then 0; float32. SD1 and SDXL only.
     */
    public static double[] webui(Model model, int steps) {
        checkSteps(steps, 1);
        double[] levels = webuiLevels(model);
        double[] v = steps == levels.length ? levels.clone() : LogLinear.interp(levels, steps);
        double[] out = new double[steps + 1];
        for (int i = 0; i < steps; i++) out[i] = (float) v[i];
        return out;
    }

    /** A1111 / Forge's 3-decimal levels (11 values); SD1 and SDXL only. */
    public static double[] webuiLevels(Model model) {
        return switch (model) {
            case SD1 -> WEBUI_SD1.clone();
            case SDXL -> WEBUI_SDXL.clone();
            case SVD -> throw new ScheduleException("the A1111/Forge AYS scheduler has no SVD table; use variant=comfyui for model=svd");
        };
    }

    /** diffusers' {@code AysSchedules} sigmas (11 values, last 0) for 10 steps. */
    public static double[] diffusers(Model model, int steps) {
        if (steps != 10) {
            throw new ScheduleException("diffusers' AysSchedules has 10-step tables only, got steps=" + steps
                    + "; use variant=comfyui (or webui) for other step counts");
        }
        return switch (model) {
            case SD1 -> DIFFUSERS_SD1.clone();
            case SDXL -> DIFFUSERS_SDXL.clone();
            case SVD -> DIFFUSERS_SVD.clone();
        };
    }

    /**
     * diffusers' {@code AysSchedules} timesteps ({@code StableDiffusionTimesteps}, {@code StableDiffusionXLTimesteps});
     * diffusers has none for SVD.
     */
    public static int[] diffusersTimesteps(Model model) {
        return switch (model) {
            case SD1 -> DIFFUSERS_SD1_TIMESTEPS.clone();
            case SDXL -> DIFFUSERS_SDXL_TIMESTEPS.clone();
            case SVD -> throw new ScheduleException("diffusers' AysSchedules has no SVD timesteps (SVD is sigma-conditioned); use the sigmas");
        };
    }

    /** The sigmas of a variant at {@code steps} (the preset's dispatch). */
    public static double[] sigmas(Variant variant, Model model, int steps, double denoise) {
        if (variant != Variant.COMFYUI && denoise != 1.0) {
            throw new ScheduleException("the denoise option reproduces ComfyUI's AYS node and needs variant=comfyui; for "
                    + variant.id() + " use .denoise(" + denoise + ") on the schedule instead");
        }
        return switch (variant) {
            case COMFYUI -> comfyui(model, steps, denoise);
            case WEBUI -> webui(model, steps);
            case DIFFUSERS -> diffusers(model, steps);
        };
    }

    /** {@code sigmas[-(total+1):]}, last set to 0, as float32 (the tail of ComfyUI's AYS and GITS nodes). */
    static double[] zeroLastF32(double[] levels, int total) {
        double[] tail = Arrays.copyOfRange(levels, Math.max(0, levels.length - (total + 1)), levels.length);
        tail[tail.length - 1] = 0;
        for (int i = 0; i < tail.length; i++) tail[i] = (float) tail[i];
        return tail;
    }

    static void checkSteps(int steps, int min) {
        if (steps < min) throw new ScheduleException("steps must be >= " + min + ", got " + steps);
    }
}
