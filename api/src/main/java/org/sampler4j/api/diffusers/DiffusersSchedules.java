package org.sampler4j.api.diffusers;

import java.util.HashMap;
import java.util.Map;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * diffusers compatibility: computes what {@code SchedulerClass(**config).set_timesteps(**args)} holds, number for
 * number, through sampler4j's schedule DSL. Each family of classes lives in its own small file.
 */
public final class DiffusersSchedules {
    /** A family of scheduler classes that compute their timesteps alike. */
    interface Family {
        /** Checks the config as the class's {@code __init__} does; throws {@link ScheduleException} where diffusers raises. */
        void checkInit(DiffusersConfig cfg);

        /** {@code set_timesteps}. */
        DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args);
    }

    private static final Map<String, Family> FAMILIES = new HashMap<>();

    static {
        Family euler = new EulerFamily();
        for (String c : new String[] {"EulerDiscreteScheduler", "EulerAncestralDiscreteScheduler", "HeunDiscreteScheduler",
                "KDPM2DiscreteScheduler", "KDPM2AncestralDiscreteScheduler", "LMSDiscreteScheduler", "DPMSolverSDEScheduler"}) {
            FAMILIES.put(c, euler);
        }
        Family multistep = new MultistepFamily();
        for (String c : new String[] {"DPMSolverMultistepScheduler", "DPMSolverSinglestepScheduler", "DEISMultistepScheduler",
                "UniPCMultistepScheduler", "SASolverScheduler"}) {
            FAMILIES.put(c, multistep);
        }
        Family ddpm = new DdpmFamily();
        for (String c : new String[] {"DDIMScheduler", "DDPMScheduler", "PNDMScheduler", "LCMScheduler", "TCDScheduler", "IPNDMScheduler"}) {
            FAMILIES.put(c, ddpm);
        }
        Family flowEdm = new FlowEdmFamily();
        for (String c : new String[] {"FlowMatchEulerDiscreteScheduler", "EDMEulerScheduler", "EDMDPMSolverMultistepScheduler"}) {
            FAMILIES.put(c, flowEdm);
        }
    }

    private DiffusersSchedules() {}

    private static Family family(DiffusersConfig cfg) {
        Family f = FAMILIES.get(cfg.className());
        if (f == null) throw new ScheduleException("diffusers class " + cfg.className() + " is not supported");
        return f;
    }

    /**
     * Validates a config as the class's {@code __init__} would (the "error_in: __init__" cases).
     *
     * @throws ScheduleException where diffusers raises
     */
    public static void checkInit(DiffusersConfig cfg) {
        family(cfg).checkInit(cfg);
    }

    /**
     * {@code set_timesteps(**args)} on a freshly constructed scheduler.
     *
     * @throws ScheduleException where diffusers raises (message in sampler4j's words)
     */
    public static DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args) {
        Family f = family(cfg);
        f.checkInit(cfg);
        return f.setTimesteps(cfg, args);
    }
}
