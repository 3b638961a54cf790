package org.sampler4j.api.diffusers;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;
import org.sampler4j.api.schedule.NoiseModel;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.ScheduleSpec;

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

        /** The noise model of the config, where the family maps onto the DSL. */
        default NoiseModel noiseModel(DiffusersConfig cfg) {
            throw new ScheduleException(cfg.className() + " cannot be imported as a sampler4j noise model yet; use DiffusersSchedules.setTimesteps");
        }

        /** The sampler that does this class's step maths, where one exists. */
        default DiffusersRoute route(DiffusersConfig cfg, Map<String, Object> stepKwargs) {
            throw new ScheduleException(cfg.className() + " has no sampler4j sampler route yet; it cannot be stepped");
        }

        /** The spec that resolves to {@code set_timesteps(steps)}'s schedule, where the family maps onto the DSL. */
        default ScheduleSpec spec(DiffusersConfig cfg, int steps) {
            throw new ScheduleException(cfg.className() + " cannot be imported as a sampler4j schedule spec yet; use DiffusersSchedules.setTimesteps");
        }
    }

    /**
     * A diffusers config imported into sampler4j terms.
     *
     * @param config the config (class defaults filled in)
     * @param model the noise model
     * @param specForSteps the schedule spec for a step count: {@code specForSteps.apply(n).resolve(model)} gives the
     *     timesteps and sigmas that {@code set_timesteps(n)} gives in diffusers
     */
    public record Imported(DiffusersConfig config, NoiseModel model, IntFunction<ScheduleSpec> specForSteps) {
        /**
         * {@return the resolved schedule for {@code steps} steps}
         *
         * @param steps the number of inference steps, at least 1
         */
        public Schedule resolve(int steps) {
            return specForSteps.apply(steps).resolve(model);
        }
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
        Family stepOnly = new StepOnlyFamily();
        for (String c : StepOnlyFamily.DEFAULTS.keySet()) FAMILIES.put(c, stepOnly);
        // its defaults sit with the step-only classes (no schedule golden file covers it); its maths is the multistep family's
        FAMILIES.put(MultistepInverse.CLASS, new MultistepInverse());
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
     * @param cfg the config to check
     * @throws ScheduleException where diffusers raises
     */
    public static void checkInit(DiffusersConfig cfg) {
        family(cfg).checkInit(cfg);
    }

    /**
     * Imports a config (e.g. a model folder's {@code scheduler_config.json}, keys as there; {@code _class_name}
     * names the class) as a noise model and a schedule spec that give the schedule diffusers would.
     *
     * @param json the config's keys and values, as parsed from {@code scheduler_config.json}
     * @return the config, its noise model and its schedule spec for each step count
     * @throws ScheduleException for unknown classes, invalid settings, or classes not expressible as a spec
     */
    public static Imported importConfig(Map<String, ?> json) {
        Object cls = json.get("_class_name");
        if (cls == null) throw new ScheduleException("scheduler config has no _class_name; add the diffusers class, e.g. \"_class_name\": \"EulerDiscreteScheduler\"");
        return importConfig(DiffusersConfig.of(cls.toString(), json));
    }

    /**
     * Imports a config; see {@link #importConfig(Map)}.
     *
     * @param cfg the config
     * @return the config, its noise model and its schedule spec for each step count
     * @throws ScheduleException for classes not expressible as a spec
     */
    public static Imported importConfig(DiffusersConfig cfg) {
        Family f = family(cfg);
        f.checkInit(cfg);
        NoiseModel model = f.noiseModel(cfg);
        f.spec(cfg, 1); // fails early for classes that cannot be expressed
        return new Imported(cfg, model, n -> f.spec(cfg, n));
    }

    /**
     * {@return the sampler route of a config: the sampler4j sampler that runs the class's maths in a sampler loop
     * ({@link DiffusersStepper} steps every class natively and uses the route's checks and prediction type)}
     *
     * @param cfg the config
     * @param stepKwargs the extra {@code step()} arguments ({@code eta}, {@code s_churn} ...)
     */
    public static DiffusersRoute route(DiffusersConfig cfg, Map<String, Object> stepKwargs) {
        Family f = family(cfg);
        f.checkInit(cfg);
        return f.route(cfg, stepKwargs);
    }

    /**
     * diffusers' pipeline helper {@code retrieve_timesteps}: custom {@code timesteps} or {@code sigmas} are only passed
     * on if the class's {@code set_timesteps} takes them; the step count returned is {@code len(timesteps)} then.
     *
     * @param cfg the config
     * @param steps the step count, or {@code null} with custom timesteps or sigmas
     * @param timesteps custom timesteps, or {@code null}
     * @param sigmas custom sigmas, or {@code null}
     * @return what {@code set_timesteps} gives, with the step count {@code retrieve_timesteps} returns
     * @throws ScheduleException if both are given or the class does not take the one given
     */
    public static DiffusersTimesteps retrieveTimesteps(DiffusersConfig cfg, Integer steps, double[] timesteps, double[] sigmas) {
        if (timesteps != null && sigmas != null) throw new ScheduleException("pass custom timesteps or custom sigmas, not both");
        String custom = timesteps != null ? "timesteps" : sigmas != null ? "sigmas" : null;
        if (custom != null && !cfg.setTimestepsParams().contains(custom)) {
            throw new ScheduleException(cfg.className() + " does not take custom " + custom + "; use a scheduler that does (e.g. EulerDiscreteScheduler) or pass a step count");
        }
        DiffusersTimesteps r = setTimesteps(cfg, new SetTimesteps(custom == null ? steps : null, timesteps, sigmas, null, null));
        return custom == null ? r : new DiffusersTimesteps(r.timesteps(), r.timestepsDtype(), r.sigmas(), r.initNoiseSigma(),
                r.timesteps().length, r.extras(), r.schedule());
    }

    /**
     * {@code set_timesteps(**args)} on a freshly constructed scheduler.
     *
     * @param cfg the config
     * @param args the arguments of {@code set_timesteps}
     * @return the timesteps and sigmas, as diffusers holds them after the call
     * @throws ScheduleException where diffusers raises (message in sampler4j's words)
     */
    public static DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args) {
        Family f = family(cfg);
        f.checkInit(cfg);
        return f.setTimesteps(cfg, args);
    }
}
