package org.sampler4j.api.diffusers;

import org.sampler4j.api.schedule.NoiseModel;
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
}
