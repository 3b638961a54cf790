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
 * The sampler routes of diffusers' DPM-Solver classes. {@code DPMSolverMultistepScheduler} and
 * {@code EDMDPMSolverMultistepScheduler} in the data form ({@code dpmsolver++}, {@code sde-dpmsolver++}) run on
 * {@code dpmpp_2m} (order 1-2 midpoint ODE), {@code dpmpp_2m_sde} (order 1-2 SDE, or heun; {@code eta} 1 or 0) and
 * {@code dpmpp_3m_sde} (order 3), with diffusers' {@code lower_order_final} / {@code euler_at_final} and
 * {@code reference=diffusers}; the noise form ({@code dpmsolver}, {@code sde-dpmsolver}) on {@code dpm_multistep};
 * {@code DPMSolverSinglestepScheduler} on {@code dpm_singlestep}. Flow sigmas use the {@link DiffusersRoute.Frame#FLOW_VP}
 * frame; thresholding wraps the denoiser ({@link Denoisers#dynamicThresholding}).
 */
final class DpmSolverRoutes {
    private DpmSolverRoutes() {}

    /** {@code DPMSolverMultistepScheduler}. */
    static DiffusersRoute multistep(DiffusersConfig cfg) {
        String algorithm = algorithm(cfg);
        int order = cfg.integer("solver_order");
        boolean heun = heun(cfg);
        boolean sde = algorithm.startsWith("sde-");
        Prediction p = prediction(cfg);
        rejectLearnedVariance(cfg);
        boolean flow = cfg.bool("use_flow_sigmas");
        if (p == Prediction.FLOW && !flow) {
            throw err(cfg, "prediction_type 'flow_prediction' needs use_flow_sigmas=true here");
        }
        DiffusersRoute.Frame frame = flow ? DiffusersRoute.Frame.FLOW_VP : DiffusersRoute.Frame.VP;
        if (algorithm.endsWith("dpmsolver++")) {
            return dataForm(cfg, order, heun, sde, frame, p, 0);
        }
        if (p == Prediction.FLOW) throw err(cfg, "algorithm_type '" + algorithm + "' does not take prediction_type 'flow_prediction' (diffusers raises); use dpmsolver++");
        if (sde && order > 2) {
            throw err(cfg, "sde-dpmsolver has no third-order update (diffusers fails at the third step); use solver_order <= 2 or sde-dpmsolver++");
        }
        Map<String, Object> o = multistepOptions(cfg, order);
        o.put("solver_type", heun ? "heun" : "midpoint");
        o.put("sde", sde);
        return new DiffusersRoute("dpm_multistep", o, frame, p, 0, thresholding(cfg));
    }

    /** {@code DPMSolverSinglestepScheduler}. */
    static DiffusersRoute singlestep(DiffusersConfig cfg) {
        String algorithm = algorithm(cfg);
        Prediction p = prediction(cfg);
        rejectLearnedVariance(cfg);
        boolean flow = cfg.bool("use_flow_sigmas");
        if (p == Prediction.FLOW && (!flow || algorithm.equals("dpmsolver"))) {
            throw err(cfg, "prediction_type 'flow_prediction' needs use_flow_sigmas=true and a dpmsolver++ algorithm_type");
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("order", cfg.integer("solver_order"));
        o.put("form", algorithm.equals("dpmsolver") ? "noise" : "data");
        o.put("solver_type", heun(cfg) ? "heun" : "midpoint");
        o.put("sde", algorithm.equals("sde-dpmsolver++"));
        o.put("lower_order_final", cfg.bool("lower_order_final"));
        return new DiffusersRoute("dpm_singlestep", o, flow ? DiffusersRoute.Frame.FLOW_VP : DiffusersRoute.Frame.VP, p, 0, thresholding(cfg));
    }

    /** {@code EDMDPMSolverMultistepScheduler}: the data form in the EDM frame. */
    static DiffusersRoute edm(DiffusersConfig cfg) {
        String algorithm = algorithm(cfg);
        Prediction p = prediction(cfg);
        if (p != Prediction.EPSILON && p != Prediction.V_PREDICTION) {
            throw err(cfg, "prediction_type '" + p.id() + "' is not supported (diffusers raises); use epsilon or v_prediction");
        }
        boolean sde = algorithm.equals("sde-dpmsolver++");
        int order = cfg.integer("solver_order");
        if (sde && order > 2) {
            throw err(cfg, "sde-dpmsolver++ with solver_order 3 fails in diffusers (its third-order update gets no noise); use solver_order <= 2");
        }
        return dataForm(cfg, order, heun(cfg), sde, DiffusersRoute.Frame.EDM, p, cfg.dbl("sigma_data"));
    }

    private static DiffusersRoute dataForm(DiffusersConfig cfg, int order, boolean heun, boolean sde, DiffusersRoute.Frame frame, Prediction p, double sigmaData) {
        Map<String, Object> o = multistepOptions(cfg, order);
        String id;
        if (order <= 2 && !sde && !heun) {
            id = "dpmpp_2m";
        } else {
            id = order == 3 ? "dpmpp_3m_sde" : "dpmpp_2m_sde";
            o.put("eta", sde ? 1.0 : 0.0);
            o.put("solver_type", heun ? "heun" : "midpoint");
            o.put("reference", "diffusers");
        }
        return new DiffusersRoute(id, o, frame, p, sigmaData, thresholding(cfg));
    }

    private static Map<String, Object> multistepOptions(DiffusersConfig cfg, int order) {
        if (order < 1 || order > 3) throw err(cfg, "solver_order must be 1, 2 or 3, got " + order);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("order", order);
        o.put("lower_order_final", cfg.bool("lower_order_final"));
        o.put("euler_at_final", cfg.bool("euler_at_final"));
        return o;
    }

    /** {@code algorithm_type}, with diffusers' alias {@code deis} for {@code dpmsolver++}. */
    private static String algorithm(DiffusersConfig cfg) {
        String a = cfg.str("algorithm_type");
        return a.equals("deis") ? "dpmsolver++" : a;
    }

    /** {@code solver_type == "heun"} (diffusers maps logrho, bh1 and bh2 to midpoint). */
    private static boolean heun(DiffusersConfig cfg) {
        return "heun".equals(cfg.str("solver_type"));
    }

    private static Prediction prediction(DiffusersConfig cfg) {
        try {
            return Prediction.parse(cfg.str("prediction_type"));
        } catch (IllegalArgumentException e) {
            throw err(cfg, e.getMessage());
        }
    }

    private static void rejectLearnedVariance(DiffusersConfig cfg) {
        if (cfg.has("variance_type") && List.of("learned", "learned_range").contains(cfg.str("variance_type"))) {
            throw err(cfg, "variance_type '" + cfg.str("variance_type") + "' (a model that also outputs its variance) is not supported; pass the mean channels only");
        }
    }

    private static UnaryOperator<Denoiser> thresholding(DiffusersConfig cfg) {
        if (!cfg.bool("thresholding")) return d -> d;
        double ratio = cfg.dbl("dynamic_thresholding_ratio");
        double max = cfg.dbl("sample_max_value");
        return d -> Denoisers.dynamicThresholding(d, ratio, max);
    }

    private static ScheduleException err(DiffusersConfig cfg, String msg) {
        return new ScheduleException(cfg.className() + ": " + msg);
    }
}
