package org.sampler4j.host.sd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Model folders built from the sd_pipelines golden fixtures (test resources), as the README tells a user to: the
 * TorchScript files, the CLIP tokenizer as {@code tokenizer/} (and {@code tokenizer_2/}), and a {@code model.yaml}.
 */
public final class SdFixtures {
    private SdFixtures() {}

    static Path resource(String path) {
        try {
            return Path.of(SdFixtures.class.getResource("/golden/" + path).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The descriptor of the fixture {@code name} ({@code tiny-sd}, {@code tiny-sd-v}, {@code tiny-sdxl}). */
    public static String descriptor(String name) {
        boolean xl = name.equals("tiny-sdxl");
        return "kind: " + (xl ? "sdxl" : "sd") + "\nname: " + name + "\nunet: unet.pt\nscheduler_config: scheduler_config.json\ntext_encoders:\n"
                + "  - {file: text_encoder.pt, tokenizer: tokenizer, pad: eos}\n"
                + (xl ? "  - {file: text_encoder_2.pt, tokenizer: tokenizer_2, pad: zero}\n" : "")
                + "latent: {channels: 4, height: 16, width: 16}\n"
                + "vae: {decoder: vae_decoder.pt, encoder: vae_encoder.pt, scaling_factor: 0.18215, scale_factor: 2}\n";
    }

    /** Copies fixture {@code name} into {@code dir/name} with tokenizer folders and model.yaml; returns the folder. */
    public static Path folder(String name, Path dir) {
        Path out = dir.resolve(name);
        try {
            Files.createDirectories(out);
            try (Stream<Path> files = Files.list(resource("sd_pipelines/models/" + name))) {
                for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, out.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            for (String t : name.equals("tiny-sdxl") ? new String[] {"tokenizer", "tokenizer_2"} : new String[] {"tokenizer"}) {
                Files.createDirectories(out.resolve(t));
                for (String f : new String[] {"vocab.json", "merges.txt"}) {
                    Files.copy(resource("clip_tokenizer/" + f), out.resolve(t).resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.writeString(out.resolve("model.yaml"), descriptor(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
