package org.sampler4j.api.schedule;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The DSL names of sigma remaps and how to build each from its DSL arguments. Built-ins are registered here;
 * plugins may {@link #register} more (duplicate names are rejected).
 */
public final class RemapRegistry {
    /** Builds a remap from DSL arguments. */
    @FunctionalInterface
    public interface Factory {
        /** @param args the call's arguments (positional ones under their declared names) */
        SigmaRemap create(DslArgs args);
    }

    private static final Map<String, Factory> FACTORIES = Collections.synchronizedMap(new LinkedHashMap<>());
    private static final Map<String, String[]> PARAMS = Collections.synchronizedMap(new LinkedHashMap<>());

    static {
        register("karras", a -> new Remaps.Karras(a.dbl("rho", Remaps.Karras.DEFAULT_RHO), a.optDbl("sigma_min"), a.optDbl("sigma_max")),
                "rho", "sigma_min", "sigma_max");
        register("exponential", a -> new Remaps.Exponential(a.optDbl("sigma_min"), a.optDbl("sigma_max")), "sigma_min", "sigma_max");
        register("beta", a -> new Remaps.Beta(a.dbl("alpha", Remaps.Beta.DEFAULT), a.dbl("beta", Remaps.Beta.DEFAULT),
                a.optDbl("sigma_min"), a.optDbl("sigma_max")), "alpha", "beta", "sigma_min", "sigma_max");
        register("polyexponential", a -> new Remaps.PolyExponential(a.dbl("rho", 1.0), a.optDbl("sigma_min"), a.optDbl("sigma_max")),
                "rho", "sigma_min", "sigma_max");
        register("lu", a -> new LuLambdas(a.optDbl("sigma_min"), a.optDbl("sigma_max")), "sigma_min", "sigma_max");
        register(FlowShift.NAME, a -> new FlowShift(a.dbl("shift", 1.0), a.optDbl("mu"),
                FlowNoiseModel.TimeShift.parse(a.word("time_shift", "exponential")), a.optDbl("terminal")), "shift", "mu", "time_shift", "terminal");
        register(Float32Remaps.Karras.NAME, a -> new Float32Remaps.Karras(a.dbl("rho", Remaps.Karras.DEFAULT_RHO), a.optDbl("sigma_min"),
                a.optDbl("sigma_max")), "rho", "sigma_min", "sigma_max");
        register(Float32Remaps.Exponential.NAME, a -> new Float32Remaps.Exponential(a.optDbl("sigma_min"), a.optDbl("sigma_max")),
                "sigma_min", "sigma_max");
        ComfyRemaps.registerAll();
    }

    private RemapRegistry() {}

    /**
     * Registers a remap under a DSL name.
     *
     * @param name DSL name
     * @param factory builder from arguments
     * @param paramNames the parameter names in positional order
     */
    public static void register(String name, Factory factory, String... paramNames) {
        synchronized (FACTORIES) {
            if (FACTORIES.containsKey(name)) throw new ScheduleException("sigma remap '" + name + "' is registered twice; rename one of them");
            FACTORIES.put(name, factory);
            PARAMS.put(name, paramNames.clone());
        }
    }

    /** Known remap names. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(FACTORIES.keySet());
    }

    static boolean has(String name) {
        return FACTORIES.containsKey(name);
    }

    static String[] paramNames(String name) {
        return PARAMS.get(name);
    }

    static SigmaRemap create(String name, DslArgs args) {
        return FACTORIES.get(name).create(args);
    }
}
