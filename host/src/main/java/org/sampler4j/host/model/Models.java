package org.sampler4j.host.model;

import java.nio.file.Path;
import java.util.List;

/**
 * Opens models by reference: a built-in name ({@code gmm}, {@code gmm:CxHxW}) or a model folder path (a TorchScript
 * network, or a Stable Diffusion model when its {@code model.yaml} has {@code kind: sd|sdxl}).
 */
public final class Models {
    /** The built-in model names. */
    public static final List<String> BUILT_IN = List.of("gmm", "gmm:CxHxW");

    private Models() {}

    /** What a model declares, without loading a network (cheap: for checks before a run). */
    public static ModelInfo describe(String reference) {
        if (AnalyticModel.matches(reference)) {
            AnalyticModel m = AnalyticModel.open(reference);
            return new ModelInfo(m.name(), m.noiseModel(), m.conditioning(), m.defaultSchedule());
        }
        if (org.sampler4j.host.sd.SdDescriptor.declares(Path.of(reference))) return org.sampler4j.host.sd.SdModel.describe(Path.of(reference));
        return TorchScriptModel.describe(Path.of(reference));
    }

    /** Opens a built-in model or a TorchScript model folder. */
    public static DiffusionModel open(String reference) {
        if (AnalyticModel.matches(reference)) return AnalyticModel.open(reference);
        if (org.sampler4j.host.sd.SdDescriptor.declares(Path.of(reference))) return org.sampler4j.host.sd.SdModel.open(Path.of(reference));
        return TorchScriptModel.open(Path.of(reference));
    }
}
