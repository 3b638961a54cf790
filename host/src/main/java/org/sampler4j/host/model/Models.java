package org.sampler4j.host.model;

import java.nio.file.Path;
import java.util.List;

/** Opens models by reference: a built-in name ({@code gmm}, {@code gmm:CxHxW}) or a model folder path. */
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
        return TorchScriptModel.describe(Path.of(reference));
    }

    /** Opens a built-in model or a TorchScript model folder. */
    public static DiffusionModel open(String reference) {
        if (AnalyticModel.matches(reference)) return AnalyticModel.open(reference);
        return TorchScriptModel.open(Path.of(reference));
    }
}
