package org.sampler4j.host.sd;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.sampler.StepListener;
import org.sampler4j.host.image.Pngs;
import org.sampler4j.host.model.ModelException;
import org.sampler4j.host.run.Embeddings;
import org.sampler4j.host.run.Generator;
import org.sampler4j.host.run.RunSettings;

/** Runs {@link RunSettings} (CLI options, recipes, a PNG's settings) on a Stable Diffusion model through {@link SdPipeline}. */
public final class SdRunner {
    /** img2img strength when an init image is given without one (diffusers' default). */
    public static final double DEFAULT_STRENGTH = 0.8;

    private SdRunner() {}

    /** The request of one settings: its prompt with {@code batch} images, its sampler over its schedule. */
    public static SdRequest request(RunSettings s) {
        RunSettings.Text t = s.text();
        if (t == null || t.prompt() == null) throw new ModelException("this Stable Diffusion model needs a prompt: give --prompt TEXT (or conditioning.prompt in a recipe)");
        if (s.classLabels() != null || s.embedding() != null || s.negativeEmbedding() != null) {
            throw new ModelException("a Stable Diffusion model encodes its prompts itself: drop --class/--embedding/--negative-embedding");
        }
        SdRequest.InitImage init = t.initImage() == null ? null : readImage(Path.of(t.initImage()), t.initImageSha256());
        if (t.strength() != null && init == null) throw new ModelException("strength applies to img2img: give --init-image IMAGE.png or drop --strength");
        SdRequest.Noise noise = t.noiseOrder() == null || t.noiseOrder().equals("per_item") ? SdRequest.Noise.PER_ITEM : SdRequest.Noise.DIFFUSERS;
        if (t.noiseOrder() != null && !RunSettings.NOISE_ORDERS.contains(t.noiseOrder())) {
            throw new ModelException(org.sampler4j.api.schedule.Names.unknown("noise order", t.noiseOrder(), RunSettings.NOISE_ORDERS));
        }
        if (!s.stepRngOrDefault().equals(s.rng())) throw new ModelException("Stable Diffusion runs use one generator kind for all noise: give rng: torch-cpu or torch-cuda");
        Map<String, List<Integer>> z = t.sizes() == null ? Map.of() : t.sizes();
        SdRequest.Micro micro = z.isEmpty() ? null : new SdRequest.Micro(size(z, "original_size"), size(z, "crops_coords_top_left"), size(z, "target_size"),
                size(z, "negative_original_size"), size(z, "negative_crops_coords_top_left"), size(z, "negative_target_size"));
        return new SdRequest(List.of(t.prompt()), t.negativePrompt() == null ? null : List.of(t.negativePrompt()), t.prompt2() == null ? null : List.of(t.prompt2()),
                t.negativePrompt2() == null ? null : List.of(t.negativePrompt2()), s.batch(), t.width(), t.height(), s.guidance(), s.guidanceRescale(),
                t.clipSkip() == null ? 0 : t.clipSkip(), init, t.strength() == null ? DEFAULT_STRENGTH : t.strength(), s.seed(), noise, s.rng(),
                new SdRequest.Dsl(s.sampler(), s.samplerOptions(), s.schedule()), micro);
    }

    private static int[] size(Map<String, List<Integer>> z, String key) {
        List<Integer> v = z.get(key);
        return v == null ? null : v.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Runs settings on a Stable Diffusion model. */
    public static Generator.Result run(SdModel model, RunSettings s, StepListener progress) {
        if (s.batch() < 1) throw new ModelException("batch must be >= 1, got " + s.batch());
        SdPipeline.Result r = SdPipeline.run(model, request(s), progress);
        return new Generator.Result(s, r.pixels(), r.latents(), r.steps(), r.evaluations(), r.seconds(), r.unconditionalPass());
    }

    /** An init image as RGB in [0, 1], channels first; the SHA-256 is checked when given. */
    public static SdRequest.InitImage readImage(Path file, String sha256) {
        if (sha256 != null && !sha256.equals(Embeddings.sha256(file))) {
            throw new ModelException("init image " + file + " has changed since the image was made (SHA-256 differs): the run cannot be reproduced from it");
        }
        BufferedImage img;
        try {
            img = Pngs.read(file).image();
        } catch (IOException e) {
            throw new ModelException("cannot read the init image " + file + ": " + e.getMessage() + " (give a PNG file)");
        }
        int h = img.getHeight();
        int w = img.getWidth();
        float[] rgb = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                rgb[y * w + x] = ((p >> 16) & 0xff) / 255f;
                rgb[h * w + y * w + x] = ((p >> 8) & 0xff) / 255f;
                rgb[2 * h * w + y * w + x] = (p & 0xff) / 255f;
            }
        }
        return new SdRequest.InitImage(rgb, h, w);
    }
}
