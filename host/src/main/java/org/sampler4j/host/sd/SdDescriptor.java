package org.sampler4j.host.sd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.schedule.Names;
import org.sampler4j.host.model.ModelDescriptor;
import org.sampler4j.host.model.ModelException;

/**
 * The {@code model.yaml} of a Stable Diffusion model folder ({@code kind: sd} for SD 1.x/2.x, {@code kind: sdxl}):
 * the TorchScript UNet, text encoder(s) with their tokenizers, VAE decoder and encoder, and the diffusers scheduler
 * config. Example (the layout {@code tools/export/export_sd.py} writes):
 *
 * <pre>
 * kind: sdxl                           # sd | sdxl
 * name: my-sdxl
 * unet: unet.pt                        # forward(sample, timestep [] float, encoder_hidden_states[, text_embeds, time_ids])
 * scheduler_config: scheduler/scheduler_config.json
 * prediction: epsilon                  # optional: the scheduler config's prediction_type otherwise
 * text_encoders:                       # forward(input_ids int64 [B,77]) -> (last_hidden_state, pooled, hidden_states[L+1,B,77,C])
 *   - {file: text_encoder.pt, tokenizer: tokenizer, pad: eos}
 *   - {file: text_encoder_2.pt, tokenizer: tokenizer_2, pad: zero}
 * hidden_state: penultimate            # last (SD default) | penultimate (SDXL default)
 * latent: {channels: 4, height: 128, width: 128}   # the default size (images are vae_scale_factor times larger)
 * vae: {decoder: vae_decoder.pt, encoder: vae_encoder.pt, scaling_factor: 0.13025, shift_factor: null, scale_factor: 8}
 * force_zeros_for_empty_prompt: true   # SDXL: no negative prompt means zero negative embeddings
 * default_schedule: leading(30)        # optional
 * </pre>
 *
 * Values left out are read from diffusers files in the folder where present ({@code vae/config.json}:
 * {@code scaling_factor}, {@code shift_factor}, {@code block_out_channels}; {@code unet/config.json}:
 * {@code sample_size}, {@code in_channels}; {@code model_index.json} / {@code model_index}: {@code force_zeros_for_empty_prompt}),
 * else SD's defaults (scaling 0.18215, scale factor 8, 4 channels).
 *
 * @param kind {@code sd} or {@code sdxl}
 * @param name display name
 * @param unet the UNet file
 * @param schedulerConfig the diffusers scheduler config (noise model, prediction type, default schedule)
 * @param prediction prediction type, or null for the scheduler config's
 * @param textEncoders the text encoders (one for sd, two for sdxl)
 * @param hiddenState {@code last} or {@code penultimate}
 * @param latent the default latent shape
 * @param vae the VAE
 * @param forceZerosForEmptyPrompt SDXL's {@code force_zeros_for_empty_prompt}
 * @param defaultSchedule schedule DSL used when a run gives none
 * @param dtype {@code float32} (the only one the CPU runtime accepts)
 */
public record SdDescriptor(String kind, String name, String unet, String schedulerConfig, String prediction, List<TextEncoder> textEncoders,
                           String hiddenState, Latent latent, Vae vae, Boolean forceZerosForEmptyPrompt, String defaultSchedule, String dtype) {
    /** The model kinds of this descriptor. */
    public static final List<String> KINDS = List.of("sd", "sdxl");

    /**
     * A text encoder and its tokenizer.
     *
     * @param file the TorchScript file
     * @param tokenizer the diffusers tokenizer folder ({@code vocab.json}, {@code merges.txt})
     * @param pad {@code eos} (SD 1.x, SDXL's first) or {@code zero} (SD 2.x, SDXL's second)
     */
    public record TextEncoder(String file, String tokenizer, String pad) {}

    /**
     * The latent shape.
     *
     * @param channels latent channels
     * @param height default latent height
     * @param width default latent width
     */
    public record Latent(Integer channels, Integer height, Integer width) {}

    /**
     * The VAE.
     *
     * @param decoder the decoder file: {@code forward(z) -> image in [-1, 1]}
     * @param encoder the encoder file (img2img): {@code forward(image in [-1, 1]) -> moments (mean, logvar)}
     * @param scalingFactor latents are {@code (z - shift) * scaling}
     * @param shiftFactor the shift, or null
     * @param scaleFactor image pixels per latent pixel
     */
    public record Vae(String decoder, String encoder, Double scalingFactor, Double shiftFactor, Integer scaleFactor) {}

    /** Whether descriptor text declares an SD kind ({@code kind: sd|sdxl}). */
    public static boolean declares(Path folder) {
        Path f = folder.resolve(ModelDescriptor.FILE_NAME);
        if (!Files.isRegularFile(f)) return false;
        try {
            JsonNode n = ModelDescriptor.strictYaml().readTree(Files.readString(f));
            return n != null && n.has("kind");
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads and completes {@code folder/model.yaml} (diffusers configs in the folder fill what it leaves out). */
    public static SdDescriptor read(Path folder) {
        Path file = folder.resolve(ModelDescriptor.FILE_NAME);
        try {
            return parse(Files.readString(file), file.toString()).completed(folder);
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses descriptor text without completing it; {@code source} names it in messages. */
    public static SdDescriptor parse(String text, String source) {
        SdDescriptor d = ModelDescriptor.bind(text, source, SdDescriptor.class);
        if (d == null) throw new ModelException(source + " is empty");
        return d.validated(source);
    }

    private SdDescriptor validated(String source) {
        String k = kind == null ? null : kind.toLowerCase(Locale.ROOT);
        if (!KINDS.contains(k)) throw new ModelException(source + ": kind: " + Names.unknown("model kind", String.valueOf(kind), KINDS));
        if (unet == null) throw new ModelException(source + ": missing field 'unet' (the TorchScript UNet, e.g. unet: unet.pt)");
        if (schedulerConfig == null) {
            throw new ModelException(source + ": missing field 'scheduler_config' (the diffusers scheduler_config.json, e.g. scheduler/scheduler_config.json)");
        }
        int want = k.equals("sdxl") ? 2 : 1;
        if (textEncoders == null || textEncoders.size() != want) {
            throw new ModelException(source + ": " + k + " needs " + want + " text_encoders ({file, tokenizer, pad}), got " + (textEncoders == null ? 0 : textEncoders.size()));
        }
        for (TextEncoder t : textEncoders) {
            if (t.file() == null || t.tokenizer() == null) throw new ModelException(source + ": each text encoder needs file and tokenizer, got " + t);
            if (t.pad() != null && !List.of("eos", "zero").contains(t.pad())) {
                throw new ModelException(source + ": text encoder pad: " + Names.unknown("padding", t.pad(), List.of("eos", "zero")));
            }
        }
        if (hiddenState != null && !List.of("last", "penultimate").contains(hiddenState)) {
            throw new ModelException(source + ": hidden_state: " + Names.unknown("hidden state", hiddenState, List.of("last", "penultimate")));
        }
        if (vae == null || vae.decoder() == null) throw new ModelException(source + ": missing field 'vae.decoder' (the TorchScript VAE decoder, e.g. vae: {decoder: vae_decoder.pt})");
        if (vae.scalingFactor() != null && !(vae.scalingFactor() > 0)) throw new ModelException(source + ": vae.scaling_factor must be > 0, got " + vae.scalingFactor());
        if (vae.scaleFactor() != null && vae.scaleFactor() < 1) throw new ModelException(source + ": vae.scale_factor must be >= 1, got " + vae.scaleFactor());
        if (prediction != null) {
            try {
                Prediction.parse(prediction);
            } catch (IllegalArgumentException e) {
                throw new ModelException(source + ": prediction: " + e.getMessage());
            }
        }
        if (dtype != null && !dtype.equalsIgnoreCase("float32")) throw new ModelException(source + ": dtype " + dtype + " is not supported: export the model in float32");
        if (latent != null && ((latent.channels() != null && latent.channels() < 1) || (latent.height() != null && latent.height() < 1)
                || (latent.width() != null && latent.width() < 1))) {
            throw new ModelException(source + ": latent: channels, height and width must be >= 1, got " + latent);
        }
        return new SdDescriptor(k, name, unet, schedulerConfig, prediction, List.copyOf(textEncoders), hiddenState, latent, vae,
                forceZerosForEmptyPrompt, defaultSchedule, "float32");
    }

    /** Whether this is an SDXL model. */
    public boolean xl() {
        return kind.equals("sdxl");
    }

    /** Fills left-out values from diffusers configs in {@code folder}, then from SD defaults. */
    public SdDescriptor completed(Path folder) {
        JsonNode vaeCfg = json(folder.resolve("vae/config.json"));
        JsonNode unetCfg = json(folder.resolve("unet/config.json"));
        JsonNode index = json(folder.resolve("model_index.json"));
        Double scaling = vae.scalingFactor() != null ? vae.scalingFactor() : num(vaeCfg, "scaling_factor", 0.18215);
        Double shift = vae.shiftFactor() != null ? vae.shiftFactor() : vaeCfg != null && vaeCfg.hasNonNull("shift_factor") ? vaeCfg.get("shift_factor").asDouble() : null;
        int scale = vae.scaleFactor() != null ? vae.scaleFactor()
                : vaeCfg != null && vaeCfg.has("block_out_channels") ? 1 << (vaeCfg.get("block_out_channels").size() - 1) : 8;
        int channels = latent != null && latent.channels() != null ? latent.channels() : (int) num(unetCfg, "in_channels", 4);
        int size = (int) num(unetCfg, "sample_size", xl() ? 128 : 64);
        int h = latent != null && latent.height() != null ? latent.height() : size;
        int w = latent != null && latent.width() != null ? latent.width() : size;
        boolean zeros = forceZerosForEmptyPrompt != null ? forceZerosForEmptyPrompt
                : index != null && index.has("force_zeros_for_empty_prompt") ? index.get("force_zeros_for_empty_prompt").asBoolean() : xl();
        List<TextEncoder> te = new ArrayList<>();
        for (int i = 0; i < textEncoders.size(); i++) {
            TextEncoder t = textEncoders.get(i);
            te.add(new TextEncoder(t.file(), t.tokenizer(), t.pad() != null ? t.pad() : (i == 1 || (!xl() && isSd2(folder, t))) ? "zero" : "eos"));
        }
        return new SdDescriptor(kind, name, unet, schedulerConfig, prediction, List.copyOf(te), hiddenState != null ? hiddenState : xl() ? "penultimate" : "last",
                new Latent(channels, h, w), new Vae(vae.decoder(), vae.encoder(), scaling, shift, scale), zeros, defaultSchedule, dtype);
    }

    /** A tokenizer whose pad token is {@code !} (SD 2.x, SDXL's second) pads with id 0. */
    private static boolean isSd2(Path folder, TextEncoder t) {
        JsonNode special = json(folder.resolve(t.tokenizer()).resolve("special_tokens_map.json"));
        JsonNode pad = special == null ? null : special.get("pad_token");
        if (pad == null) return false;
        String s = pad.isTextual() ? pad.asText() : pad.path("content").asText();
        return s.equals("!");
    }

    private static double num(JsonNode n, String key, double fallback) {
        return n != null && n.hasNonNull(key) ? n.get(key).asDouble() : fallback;
    }

    private static JsonNode json(Path f) {
        if (!Files.isRegularFile(f)) return null;
        try {
            return new ObjectMapper().readTree(f.toFile());
        } catch (IOException e) {
            throw new ModelException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }
}
