package org.sampler4j.api.diffusers;

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
    public DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args) {
        DdpmFamily.rejectUnknownArgs(cfg, args);
        return flow(cfg) ? FlowMatchEuler.setTimesteps(cfg, args) : EdmSchedulers.setTimesteps(cfg, args);
    }
}
