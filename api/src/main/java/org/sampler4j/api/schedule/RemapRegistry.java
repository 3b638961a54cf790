package org.sampler4j.api.schedule;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sampler4j.api.ExtensionRegistry;

/**
 * The DSL names of sigma remaps and how to build each from its DSL arguments: the built-ins registered here, then
 * the {@link SigmaGenerator}s of plugins (or of the classpath). Names are unique: a plugin cannot replace a
 * built-in remap (see {@link ExtensionRegistry}).
 */
public final class RemapRegistry {
    /** Builds a remap from DSL arguments. */
    @FunctionalInterface
    public interface Factory {
        /**
         * Builds the remap of one DSL call.
         *
         * @param args the call's arguments (positional ones under their declared names)
         * @return the remap
         */
        SigmaRemap create(DslArgs args);
    }

    private static final ExtensionRegistry<SigmaGenerator> REGISTRY = new ExtensionRegistry<>(SigmaGenerator.class, "sigma generator",
            SigmaGenerator::name, SigmaGenerator::aliases, g -> Map.of("params", String.join(",", g.paramNames())));

    /** A built-in remap as a generator. */
    private record BuiltIn(String name, Factory factory, List<String> paramNames) implements SigmaGenerator {
        @Override
        public String description() {
            return "built-in remap";
        }

        @Override
        public SigmaRemap create(DslArgs args) {
            return factory.create(args);
        }
    }

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
     * Registers a built-in remap under a DSL name (plugins provide {@link SigmaGenerator}s instead).
     *
     * @param name DSL name
     * @param factory builder from arguments
     * @param paramNames the parameter names in positional order
     * @throws ScheduleException if the name is taken
     */
    public static void register(String name, Factory factory, String... paramNames) {
        REGISTRY.addBuiltIn(new BuiltIn(name, factory, List.of(paramNames)));
    }

    /** {@return the registry behind the DSL's remap names (for hosts and listings)} */
    public static ExtensionRegistry<SigmaGenerator> registry() {
        return REGISTRY;
    }

    /** {@return known remap names (ids and aliases)} */
    public static Set<String> names() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(REGISTRY.names()));
    }

    static boolean has(String name) {
        return REGISTRY.has(name);
    }

    static String[] paramNames(String name) {
        return REGISTRY.get(name).paramNames().toArray(String[]::new);
    }

    static SigmaRemap create(String name, DslArgs args) {
        ExtensionRegistry.Entry<SigmaGenerator> e = REGISTRY.entry(name);
        SigmaRemap r = e.extension().create(args);
        if (!e.origin().isBuiltIn() && !e.id().equals(r.name())) {
            throw new ScheduleException("sigma generator '" + e.id() + "' of " + e.origin().label() + " made a remap named '" + r.name()
                    + "'; its remap's name() must be '" + e.id() + "' so that the schedule prints and parses back");
        }
        return r;
    }
}
