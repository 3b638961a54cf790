package org.sampler4j.api.diffusers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.schedule.NoiseModel;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.ScheduleSpec;

/**
 * diffusers compatibility for the flow-matching and EDM schedulers (see {@link DiffusersSchedules}):
 * {@code FlowMatchEulerDiscreteScheduler} ({@link FlowMatchEuler}), {@code EDMEulerScheduler} and
 * {@code EDMDPMSolverMultistepScheduler} ({@link EdmSchedulers}).
 */
final class FlowEdmFamily implements DiffusersSchedules.Family {
    private static boolean flow(DiffusersConfig cfg) {
        return cfg.className().equals("FlowMatchEulerDiscreteScheduler");
    }

    @Override
    public void checkInit(DiffusersConfig cfg) {
        if (flow(cfg)) FlowMatchEuler.checkInit(cfg);
        else EdmSchedulers.checkInit(cfg);
    }

    @Override
    public NoiseModel noiseModel(DiffusersConfig cfg) {
        return flow(cfg) ? FlowMatchEuler.model(cfg) : EdmSchedulers.model(cfg);
    }

    @Override
    public ScheduleSpec spec(DiffusersConfig cfg, int steps) {
        return flow(cfg) ? FlowMatchEuler.spec(cfg, steps) : EdmSchedulers.spec(cfg, steps);
    }

    @Override
    public DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args) {
        DdpmFamily.rejectUnknownArgs(cfg, args);
        return flow(cfg) ? FlowMatchEuler.setTimesteps(cfg, args) : EdmSchedulers.setTimesteps(cfg, args);
    }

    /**
     * FlowMatchEuler: {@code flow_euler} in the flow frame ({@code stochastic} from {@code stochastic_sampling}).
     * EDMEuler: {@code edm_euler} in the EDM frame, churn from the step arguments (without churn it is {@code euler};
     * diffusers' churn re-preconditions the network output at {@code sigma_hat}, which {@code euler} cannot).
     */
    @Override
    public DiffusersRoute route(DiffusersConfig cfg, Map<String, Object> kw) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (flow(cfg)) {
            o.put("stochastic", cfg.bool("stochastic_sampling"));
            return new DiffusersRoute("flow_euler", o, DiffusersRoute.Frame.FLOW, Prediction.FLOW, 0, d -> d);
        }
        if (cfg.className().equals("EDMDPMSolverMultistepScheduler")) return DpmSolverRoutes.edm(cfg);
        Prediction p = Prediction.parse(cfg.str("prediction_type"));
        if (p != Prediction.EPSILON && p != Prediction.V_PREDICTION) {
            throw new ScheduleException(cfg.className() + " supports prediction_type epsilon or v_prediction, got '" + p.id() + "'");
        }
        for (String k : List.of("s_churn", "s_tmin", "s_tmax", "s_noise")) if (kw.containsKey(k)) o.put(k, kw.get(k));
        o.put("sigma_data", cfg.dbl("sigma_data"));
        return new DiffusersRoute("edm_euler", o, DiffusersRoute.Frame.EDM, p, cfg.dbl("sigma_data"), d -> d);
    }
}
