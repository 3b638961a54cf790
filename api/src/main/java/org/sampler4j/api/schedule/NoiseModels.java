package org.sampler4j.api.schedule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.sampler4j.api.ExtensionRegistry;

/**
 * Named noise models for the CLI and recipes. Each name stands for the training noise schedule of a well-known
 * model family. The built-in ones are listed here; plugins add more through {@link NamedNoiseModel}.
 */
public final class NoiseModels {
    private static final ExtensionRegistry<NamedNoiseModel> REGISTRY = new ExtensionRegistry<>(NamedNoiseModel.class, "noise model",
            NamedNoiseModel::id, NamedNoiseModel::aliases, m -> Map.of());

    static {
        add("sd15", "Stable Diffusion 1.x/2.x/XL: scaled_linear betas 0.00085..0.012, 1000 steps (the default)", DiscreteNoiseModel::sd15);
        add("sd15-zsnr", "sd15 rescaled to zero terminal SNR (Lin et al. 2023)", () -> DiscreteNoiseModel.sd15().withZeroSnr());
        add("ddpm", "DDPM (Ho et al. 2020): linear betas 0.0001..0.02, 1000 steps",
                () -> DiscreteNoiseModel.builder().betaSchedule(BetaSchedule.LINEAR).betaStart(0.0001).betaEnd(0.02).build());
        add("cosine", "improved DDPM (Nichol & Dhariwal 2021): squaredcos_cap_v2, 1000 steps",
                () -> DiscreteNoiseModel.builder().betaSchedule(BetaSchedule.SQUAREDCOS_CAP_V2).build());
        add("flow", "rectified flow (SD3/FLUX family), shift 1, 1000 steps", FlowNoiseModel::standard);
        add("sd3", "rectified flow with shift 3 (Stable Diffusion 3)", () -> FlowNoiseModel.builder().shift(3.0).build());
        add("edm", "EDM (Karras et al. 2022): sigma 0.002..80, sigma_data 0.5", EdmNoiseModel::standard);
    }

    private NoiseModels() {}

    /** A built-in named noise model. */
    private record BuiltIn(String id, String description, Supplier<NoiseModel> supplier) implements NamedNoiseModel {
        @Override
        public List<String> aliases() {
            return List.of();
        }

        @Override
        public NoiseModel create() {
            return supplier.get();
        }
    }

    private static void add(String name, String description, Supplier<NoiseModel> s) {
        REGISTRY.addBuiltIn(new BuiltIn(name, description, s));
    }

    /** {@return the registry behind this facade (for hosts and listings)} */
    public static ExtensionRegistry<NamedNoiseModel> registry() {
        return REGISTRY;
    }

    /**
     * {@return the noise model of that name; unknown names get a "did you mean"}
     *
     * @param name a noise model name or alias, e.g. {@code sd15}
     */
    public static NoiseModel named(String name) {
        return REGISTRY.get(name).create();
    }

    /** {@return name to one-line description, in display order (built-ins first, then plugins')} */
    public static Map<String, String> descriptions() {
        Map<String, String> m = new LinkedHashMap<>();
        for (ExtensionRegistry.Entry<NamedNoiseModel> e : REGISTRY.entries()) m.put(e.id(), e.extension().description());
        return java.util.Collections.unmodifiableMap(m);
    }
}
