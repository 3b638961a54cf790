package org.sampler4j.host.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.host.run.Generator;
import org.sampler4j.host.run.RunSettings;

/** Every error the model runtime promises: each names the problem and the fix. */
class ModelErrorsTest {
    static final String TINY = Fixtures.model("tiny-unet").toString();

    /** A model folder in {@code dir} with {@code network} copied from the fixtures and {@code yaml} as descriptor. */
    static Path folder(Path dir, String network, String yaml) throws IOException {
        Path f = dir.resolve("m");
        Files.createDirectories(f);
        if (network != null) {
            Path src = network.contains("/") ? Fixtures.model(network) : Fixtures.model("broken").resolve(network);
            Files.copy(src, f.resolve(src.getFileName()));
        }
        Files.writeString(f.resolve("model.yaml"), yaml);
        return f;
    }

    static String pixelModel(String file, String inputs) {
        return "network: " + file + "\nprediction: epsilon\nnoise_model: sd15\ninputs: " + inputs + "\nsample: {channels: 3, height: 16, width: 16}\n";
    }

    static void fails(Executable e, String... fragments) {
        ModelException ex = assertThrows(ModelException.class, e);
        for (String f : fragments) assertTrue(ex.getMessage().contains(f), "message lacks '" + f + "': " + ex.getMessage());
    }

    @Test
    void missingFolderDescriptorAndNetwork(@TempDir Path dir) throws IOException {
        fails(() -> Models.open(dir.resolve("nope").toString()), "model folder not found", "gmm");
        fails(() -> TorchScriptModel.open(dir), "no model.yaml", "descriptor");
        Path f = folder(dir, null, pixelModel("missing.pt", "[sample, timestep]"));
        fails(() -> TorchScriptModel.open(f), "network missing.pt not found", "check the file name in model.yaml");
    }

    @Test
    void corruptFiles(@TempDir Path dir) throws IOException {
        Path f = folder(dir, "not_torchscript.pt", pixelModel("not_torchscript.pt", "[sample, timestep]"));
        fails(() -> TorchScriptModel.open(f), "is not a TorchScript archive", "torch.jit.trace");
        Path truncated = dir.resolve("t");
        Files.createDirectories(truncated);
        byte[] all = Files.readAllBytes(Fixtures.model("tiny-unet/unet.pt"));
        Files.write(truncated.resolve("unet.pt"), java.util.Arrays.copyOf(all, all.length / 2));
        Files.writeString(truncated.resolve("model.yaml"), pixelModel("unet.pt", "[sample, timestep, class_label]")
                + "conditioning: {kind: class_label, classes: 10, null_class: 10}\n");
        fails(() -> TorchScriptModel.open(truncated), "not a TorchScript archive");
    }

    @Test
    void descriptorMistakesAreNamed(@TempDir Path dir) {
        fails(() -> ModelDescriptor.parse("network: a.pt\nprediction: eps\nnoise_model: sd15\ninputs: [sample]\n", "m.yaml"), "missing field 'sample'");
        fails(() -> ModelDescriptor.parse(pixelModel("a.pt", "[sample]") + "colour: blue\n", "m.yaml"), "unknown field 'colour'", "known: conditioning");
        fails(() -> ModelDescriptor.parse(pixelModel("a.pt", "[sample]") + "pixels: {rnage: [0, 1]}\n", "m.yaml"), "unknown field 'rnage' in pixels", "did you mean 'range'");
        fails(() -> ModelDescriptor.parse(pixelModel("a.pt", "[sample, timestamp]"), "m.yaml"), "did you mean 'timestep'");
        fails(() -> ModelDescriptor.parse(pixelModel("a.pt", "[sample]").replace("epsilon", "noise"), "m.yaml"), "prediction type 'noise'");
        fails(() -> ModelDescriptor.parse(pixelModel("a.pt", "[sample]") + "dtype: bfloat16\n", "m.yaml"), "bfloat16 aborts the JVM", "model.float()");
        fails(() -> ModelDescriptor.parse(pixelModel("a.pt", "[sample]").replace("channels: 3", "channels: 4"), "m.yaml"), "4 channels", "pixels.decoder");
        fails(() -> ModelDescriptor.parse(pixelModel("a.pt", "[sample, class_label]"), "m.yaml"), "'class_label' but conditioning is none");
    }

    @Test
    void bfloat16IsRefusedBeforeDjlTouchesIt(@TempDir Path dir) throws IOException {
        Path f = folder(dir, "bf16.pt", pixelModel("bf16.pt", "[sample, timestep]"));
        fails(() -> TorchScriptModel.open(f), "stores bfloat16 tensors", "refuses before loading", "model.float()");
        // the JVM is still alive, and a good model still loads
        try (TorchScriptModel m = TorchScriptModel.open(Path.of(TINY))) {
            assertTrue(m.itemShape().length == 3);
        }
    }

    @Test
    void wrongInputAndOutputShapesNameExpectedAndGot(@TempDir Path dir) throws IOException {
        Path out = folder(dir, "wrong_shape.pt", pixelModel("wrong_shape.pt", "[sample, timestep]"));
        fails(() -> TorchScriptModel.open(out), "returned its prediction with shape [1, 2, 16, 16], expected [1, 3, 16, 16]");
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        Files.copy(Fixtures.model("tiny-unet/unet.pt"), in.resolve("unet.pt"));
        Files.writeString(in.resolve("model.yaml"), Files.readString(Fixtures.model("tiny-unet/model.yaml"))
                .replace("channels: 3", "channels: 1"));
        fails(() -> TorchScriptModel.open(in), "failed on its inputs (sample [1, 1, 16, 16] float32", "channels", "check inputs and sample in model.yaml");
    }

    @Test
    void nanOutputNamesStepAndSigma(@TempDir Path dir) throws IOException {
        Path f = folder(dir, "nan_below_300.pt", pixelModel("nan_below_300.pt", "[sample, timestep]"));
        try (TorchScriptModel m = TorchScriptModel.open(f)) {
            RunSettings s = new RunSettings(RunSettings.VERSION, f.toString(), "euler", Map.of(), "trailing(10)", 1, 1, "torch-cpu", 1, 0, null, null, null, null, null, null);
            // trailing(10): timesteps 999, 899, ..., 399, 299, 199, 99 -> the first NaN comes at step 8 (timestep 299)
            fails(() -> Generator.run(m, s, st -> { }), "NaN/Inf", "at step 8 of 10", "sigma 0.82986");
        }
    }

    @Test
    void classLabelOutOfRange() {
        try (DiffusionModel m = Models.open("gmm:1x4x4")) {
            RunSettings s = new RunSettings(RunSettings.VERSION, "gmm:1x4x4", "euler", Map.of(), "linspace(4)", 1, 1, "torch-cpu", 2, 0, List.of(10), null, null, null, null, null);
            fails(() -> Generator.run(m, s, st -> { }), "class label 10 is out of range", "classes 0..9");
        }
        fails(() -> ConditioningSpec.NONE.checkLabels(List.of(1)), "not on class labels", "drop --class");
    }
}
