package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.diffusers.DiffusersConfig;
import org.sampler4j.api.diffusers.DiffusersSchedules;
import org.sampler4j.api.diffusers.SetTimesteps;
import org.sampler4j.api.sampler.StepListener;
import org.sampler4j.host.model.ModelException;
import org.sampler4j.host.sd.SdDescriptor;
import org.sampler4j.host.sd.SdModel;
import org.sampler4j.host.sd.SdPipeline;
import org.sampler4j.host.sd.SdRequest;

/**
 * {@code sd_pipelines/1}: what diffusers' Stable Diffusion pipelines produce on tiny TorchScript models. Each case runs
 * through {@link SdPipeline} with the diffusers scheduler it names (its full config), diffusers' generator order and
 * the model folder {@code models/NAME} beside the JSON file, opened as it is with a descriptor built in memory from the
 * file's {@code models} section (the tokenizer is the golden's {@code ../clip_tokenizer}).
 *
 * <p>Criteria (golden README): the UNet timesteps equal diffusers' exactly, the final latents lie within 1e-3 of
 * their largest magnitude, and every pixel within 2 levels. Each case reports {@code latents_rel_diff_max} (the
 * largest latent difference over the latents' max-abs) and {@code pixel_diff_max}.
 */
final class SdPipelinesChecker extends SchemaChecker {
    static final double LATENT_RTOL = 1e-3;
    static final int PIXEL_TOL = 2;

    SdPipelinesChecker() {
        super("sd_pipelines/1");
    }

    @Override
    public List<CaseResult> check(JsonNode root) {
        List<CaseResult> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            out.add(CaseResult.fail(c.path("id").asText(), "sd_pipelines files name model folders relative to the file: check the file by its path"));
        }
        return out;
    }

    @Override
    public List<CaseResult> check(JsonNode root, Path dir) {
        if (dir == null) return check(root);
        Path base = dir.toAbsolutePath();
        Map<String, SdModel> models = new HashMap<>();
        try {
            List<CaseResult> out = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                String id = c.path("id").asText();
                out.add(GoldenChecker.guard(id, () -> run(c, id, models.computeIfAbsent(c.get("model").asText(), n -> open(root.get("models"), n, base)))));
            }
            return out;
        } finally {
            models.values().forEach(SdModel::close);
        }
    }

    /** The model folder with the descriptor the {@code models} section implies. */
    static SdModel open(JsonNode models, String name, Path base) {
        JsonNode m = models.get(name);
        if (m == null) throw new ModelException("the models section has no model '" + name + "'");
        Path folder = base.resolve(m.get("folder").asText()).normalize();
        Path tokenizer = base.resolve("../clip_tokenizer").normalize();
        boolean xl = m.hasNonNull("text_encoder_2.pt");
        List<SdDescriptor.TextEncoder> tes = new ArrayList<>();
        tes.add(new SdDescriptor.TextEncoder("text_encoder.pt", tokenizer.toString(), "eos"));
        if (xl) tes.add(new SdDescriptor.TextEncoder("text_encoder_2.pt", tokenizer.toString(), "zero"));
        JsonNode shape = m.get("latent_shape");
        int latentH = shape.get(1).asInt();
        int scale = m.get("image_size").asInt() / latentH;
        Boolean zeros = m.has("force_zeros_for_empty_prompt") ? m.get("force_zeros_for_empty_prompt").asBoolean() : null;
        SdDescriptor d = new SdDescriptor(xl ? "sdxl" : "sd", name, "unet.pt", "scheduler_config.json", m.get("prediction_type").asText(), tes, null,
                new SdDescriptor.Latent(shape.get(0).asInt(), latentH, shape.get(2).asInt()),
                new SdDescriptor.Vae("vae_decoder.pt", "vae_encoder.pt", m.get("vae_scaling_factor").asDouble(), null, scale), zeros, null, "float32")
                .completed(folder);
        return SdModel.open(folder, d);
    }

    private static List<String> strings(JsonNode n) {
        if (n == null || n.isNull()) return null;
        List<String> l = new ArrayList<>();
        if (n.isArray()) n.forEach(e -> l.add(e.asText()));
        else l.add(n.asText());
        return l;
    }

    /** The case as an {@link SdRequest}. */
    static SdRequest request(JsonNode c) {
        Map<String, Object> settings = DiffusersSchedulesChecker.map(c.get("scheduler_config"));
        DiffusersConfig cfg = DiffusersConfig.of(c.get("scheduler_class").asText(), settings);
        Integer steps = c.hasNonNull("steps") ? c.get("steps").asInt() : null;
        double[] timesteps = null;
        if (c.has("init_image_uint8_chw") || steps == null) {
            if (steps == null) timesteps = Compare.array(c.get("timesteps"));
        } else if (c.has("timesteps")) {
            // the recorded timesteps are an input when they are not what set_timesteps(steps) gives
            double[] given = Compare.array(c.get("timesteps"));
            double[] own = DiffusersSchedules.setTimesteps(cfg, SetTimesteps.steps(steps)).timesteps();
            if (!java.util.Arrays.equals(given, own)) timesteps = given;
        }
        Map<String, Object> kwargs = new LinkedHashMap<>();
        if (c.hasNonNull("eta")) kwargs.put("eta", c.get("eta").asDouble());
        SdRequest.InitImage init = null;
        double strength = 1;
        if (c.has("init_image_uint8_chw")) {
            double[] v = Compare.array(c.get("init_image_uint8_chw"));
            int[] s = Compare.shape(shapeOf(c.get("init_image_uint8_chw")));
            if (s.length != 3) {
                // stored flat: 3 channels at the output image's size
                int[] out = Compare.shape(c.get("image_shape"));
                s = new int[] {3, out[1], out[2]};
            }
            float[] rgb = new float[v.length];
            for (int i = 0; i < v.length; i++) rgb[i] = (float) v[i] / 255f;
            init = new SdRequest.InitImage(rgb, s[1], s[2]);
            strength = c.get("img2img_strength").asDouble();
        }
        String rng = c.path("generator_device").asText("cpu").equals("cuda") ? "torch-cuda" : "torch-cpu";
        return new SdRequest(strings(c.get("prompt")), strings(c.get("negative_prompt")), strings(c.get("prompt_2")), strings(c.get("negative_prompt_2")),
                c.path("batch").asInt(1), c.hasNonNull("width") ? c.get("width").asInt() : null, c.hasNonNull("height") ? c.get("height").asInt() : null,
                c.get("guidance").asDouble(), c.path("guidance_rescale").asDouble(0), c.path("clip_skip").asInt(0), init, strength,
                c.get("seed").asLong(), SdRequest.Noise.DIFFUSERS, rng, new SdRequest.Diffusers(cfg, timesteps == null ? steps : null, timesteps, kwargs), null);
    }

    private static JsonNode shapeOf(JsonNode nested) {
        com.fasterxml.jackson.databind.node.ArrayNode a = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        for (JsonNode n = nested; n.isArray(); n = n.get(0)) a.add(n.size());
        return a;
    }

    private static CaseResult run(JsonNode c, String id, SdModel model) {
        SdPipeline.Result r = SdPipeline.run(model, request(c), StepListener.NONE);
        double[] expT = new double[c.get("per_step").size()];
        for (int i = 0; i < expT.length; i++) expT[i] = c.get("per_step").get(i).get("t").asDouble();
        String d = Compare.exact("timesteps", expT, r.timesteps());
        if (d != null) return CaseResult.fail(id, d);
        double[] exp = Compare.array(c.get("final_latents"));
        double[] got = r.latents().toDoubleArray();
        double maxAbs = 0;
        double diff = 0;
        if (exp.length == got.length) {
            for (int i = 0; i < exp.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(exp[i]));
                diff = Math.max(diff, Math.abs(exp[i] - got[i]));
            }
        }
        double[] px = Compare.array(c.get("image_uint8"));
        int[] ps = Compare.shape(c.get("image_shape"));
        double[] mine = hwc(r, ps);
        double pxDiff = 0;
        if (px.length == mine.length) for (int i = 0; i < px.length; i++) pxDiff = Math.max(pxDiff, Math.abs(px[i] - mine[i]));
        Map<String, Double> metrics = Map.of("latents_rel_diff_max", diff / Math.max(maxAbs, Double.MIN_NORMAL), "pixel_diff_max", pxDiff);
        d = Compare.closeToMaxAbs("final_latents", exp, got, LATENT_RTOL);
        if (d == null) d = Compare.close("image_uint8", px, mine, 0, PIXEL_TOL);
        String observed = String.format(java.util.Locale.ROOT, "final latents max |diff| %.3g (%.3g of max-abs %.4g), pixels max |diff| %.0f",
                diff, diff / Math.max(maxAbs, Double.MIN_NORMAL), maxAbs, pxDiff);
        return d == null ? new CaseResult(id, CaseResult.Status.PASSED, observed, metrics)
                : new CaseResult(id, CaseResult.Status.FAILED, d + "; " + observed, metrics);
    }

    /** The decoded images as diffusers' uint8 {@code [B, H, W, 3]}. */
    private static double[] hwc(SdPipeline.Result r, int[] shape) {
        var p = r.pixels();
        double[] out = new double[p.values().length];
        int plane = p.height() * p.width();
        for (int b = 0; b < p.batch(); b++) {
            for (int y = 0; y < p.height(); y++) {
                for (int x = 0; x < p.width(); x++) {
                    for (int ch = 0; ch < 3; ch++) {
                        out[((b * p.height() + y) * p.width() + x) * 3 + ch] = Math.round(p.values()[b * 3 * plane + ch * plane + y * p.width() + x] * 255f);
                    }
                }
            }
        }
        return out;
    }


}
