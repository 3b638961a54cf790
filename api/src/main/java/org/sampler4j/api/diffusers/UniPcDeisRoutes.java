package org.sampler4j.api.diffusers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.sampler4j.api.model.Denoisers;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * The sampler routes of {@code UniPCMultistepScheduler} ({@code uni_pc}) and {@code DEISMultistepScheduler}
 * ({@code deis}, log-rho), both in the VP frame. UniPC runs with {@code reference=diffusers}, so a step to sigma 0
 * is evaluated literally and gives NaN where diffusers does (bh1, {@code predict_x0=false}); {@code disable_corrector}
 * becomes the sampler's bit mask. Not routed: flow sigmas (the samplers work in the VE frame) and UniPC's
 * {@code solver_p}.
 */
final class UniPcDeisRoutes {
    private UniPcDeisRoutes() {}

    static DiffusersRoute uniPc(DiffusersConfig cfg, Map<String, Object> kw) {
        if (cfg.get("solver_p") != null) throw err(cfg, "solver_p (another scheduler as predictor) has no sampler4j route; drop it");
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("variant", cfg.str("solver_type").equals("bh1") ? "bh1" : "bh2"); // midpoint/heun/logrho fall back to bh2, as in diffusers
        o.put("order", order(cfg));
        o.put("predict_x0", cfg.bool("predict_x0"));
        o.put("lower_order_final", cfg.bool("lower_order_final"));
        o.put("disable_corrector", disableMask(cfg));
        o.put("reference", "diffusers");
        return route(cfg, "uni_pc", o, cfg.bool("predict_x0"));
    }

    static DiffusersRoute deis(DiffusersConfig cfg, Map<String, Object> kw) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("order", Math.min(order(cfg), 3)); // diffusers runs orders above 3 as third order
        o.put("deis_mode", "logrho");
        o.put("lower_order_final", cfg.bool("lower_order_final"));
        return route(cfg, "deis", o, true);
    }

    private static DiffusersRoute route(DiffusersConfig cfg, String id, Map<String, Object> o, boolean thresholds) {
        if (cfg.bool("use_flow_sigmas")) {
            throw err(cfg, "flow sigmas (use_flow_sigmas) have no sampler4j route yet; the sampler works in the VE frame");
        }
        Prediction p = Prediction.parse(cfg.str("prediction_type"));
        if (p == Prediction.FLOW) throw err(cfg, "prediction_type 'flow_prediction' needs use_flow_sigmas, which has no route yet");
        UnaryOperator<Denoiser> post = d -> d;
        if (thresholds && cfg.bool("thresholding")) {
            double ratio = cfg.dbl("dynamic_thresholding_ratio");
            double max = cfg.dbl("sample_max_value");
            post = d -> Denoisers.dynamicThresholding(d, ratio, max);
        }
        return new DiffusersRoute(id, o, DiffusersRoute.Frame.VP, p, 0, post);
    }

    private static int order(DiffusersConfig cfg) {
        int order = cfg.integer("solver_order");
        if (order < 1 || order > 3) throw err(cfg, "solver_order " + order + " has no sampler4j route; use 1, 2 or 3");
        return order;
    }

    /** diffusers skips the corrector at step i when {@code i - 1} is listed; bit j of the mask is that step j. */
    private static int disableMask(DiffusersConfig cfg) {
        int mask = 0;
        if (cfg.get("disable_corrector") instanceof List<?> steps) {
            for (Object s : steps) {
                int j = ((Number) s).intValue();
                if (j > 30) throw err(cfg, "disable_corrector step " + j + " is beyond the sampler's 31-step mask; list steps 0-30");
                if (j >= 0) mask |= 1 << j;
            }
        }
        return mask;
    }

    private static ScheduleException err(DiffusersConfig cfg, String msg) {
        return new ScheduleException(cfg.className() + ": " + msg);
    }
}
