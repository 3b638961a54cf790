package org.sampler4j.host.sd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sampler4j.api.diffusers.DiffusersConfig;
import org.sampler4j.api.diffusers.DiffusersSchedules;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.schedule.NoiseModel;
import org.sampler4j.host.model.ConditioningSpec;
import org.sampler4j.host.model.Conditions;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.ModelDescriptor;
import org.sampler4j.host.model.ModelException;
import org.sampler4j.host.model.ModelInfo;
import org.sampler4j.host.model.Parameterization;
import org.sampler4j.host.model.PixelBatch;
import org.sampler4j.host.model.TorchScriptNetwork;
import org.sampler4j.host.model.TorchScriptNetwork.Input;
import org.sampler4j.host.model.TorchScriptNetwork.Output;
import org.sampler4j.host.text.ClipTokenizer;

/**
 * A Stable Diffusion model folder ({@link SdDescriptor}): UNet, text encoder(s) with tokenizers, VAE decoder and
 * encoder, all TorchScript on DJL. As a {@link DiffusionModel} it samples latents of its default size; {@link #at}
 * gives the same networks at another size. Its conditioning per item is one float vector: the text embedding
 * {@code [77, C]}, followed for SDXL by the pooled embedding and the six {@code time_ids}, which {@link #forward}
 * splits into the UNet's inputs.
 */
public final class SdModel implements DiffusionModel {
    /** Token sequence length of CLIP text encoders. */
    public static final int TOKENS = 77;
    /** SDXL's micro-conditioning values per item. */
    public static final int TIME_IDS = 6;

    private final Path folder;
    private final SdDescriptor d;
    private final DiffusersConfig schedulerConfig;
    private final NoiseModel noiseModel;
    private final Prediction prediction;
    private final TorchScriptNetwork unet;
    private final TorchScriptNetwork decoder;
    private final TorchScriptNetwork encoder;
    private final List<TorchScriptNetwork> textEncoders;
    private final List<ClipTokenizer> tokenizers;
    private final Map<String, Encoded> cache = new HashMap<>();
    private long unetNanos;
    private long unetCalls;
    private int textDim;
    private int pooledDim;
    private final int[] item;

    /**
     * One prompt through the text encoder(s).
     *
     * @param hidden {@code [77, C]} hidden states that feed the UNet
     * @param pooled the pooled embedding (SDXL: of the second encoder), or null
     */
    public record Encoded(float[] hidden, float[] pooled) {}

    private SdModel(Path folder, SdDescriptor d, DiffusersConfig cfg, NoiseModel nm, Prediction p, TorchScriptNetwork unet, TorchScriptNetwork decoder,
                    TorchScriptNetwork encoder, List<TorchScriptNetwork> tes, List<ClipTokenizer> toks, int[] item) {
        this.folder = folder;
        this.d = d;
        this.schedulerConfig = cfg;
        this.noiseModel = nm;
        this.prediction = p;
        this.unet = unet;
        this.decoder = decoder;
        this.encoder = encoder;
        this.textEncoders = tes;
        this.tokenizers = toks;
        this.item = item;
    }

    /** Opens a folder whose {@code model.yaml} has {@code kind: sd} or {@code kind: sdxl}. */
    public static SdModel open(Path folder) {
        return open(folder, SdDescriptor.read(folder));
    }

    /** Opens the networks of {@code folder} described by {@code d} (which may live elsewhere, e.g. in memory). */
    public static SdModel open(Path folder, SdDescriptor d) {
        Scheduler s = scheduler(folder, d);
        List<ClipTokenizer> toks = new ArrayList<>();
        for (SdDescriptor.TextEncoder t : d.textEncoders()) toks.add(tokenizer(folder, t));
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            TorchScriptNetwork unet = load(folder, d.unet(), "unet", opened);
            TorchScriptNetwork dec = load(folder, d.vae().decoder(), "vae decoder", opened);
            TorchScriptNetwork enc = d.vae().encoder() == null ? null : load(folder, d.vae().encoder(), "vae encoder", opened);
            List<TorchScriptNetwork> tes = new ArrayList<>();
            for (SdDescriptor.TextEncoder t : d.textEncoders()) tes.add(load(folder, t.file(), "text encoder", opened));
            SdModel m = new SdModel(folder, d, s.cfg, s.model, s.prediction, unet, dec, enc, List.copyOf(tes), List.copyOf(toks),
                    new int[] {d.latent().channels(), d.latent().height(), d.latent().width()});
            m.probe();
            return m;
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing after a failure: the first error is the one to report
                }
            }
            throw e;
        }
    }

    /** What a folder declares, without loading networks. */
    public static ModelInfo describe(Path folder) {
        SdDescriptor d = SdDescriptor.read(folder);
        Scheduler s = scheduler(folder, d);
        for (String f : files(d)) {
            if (!Files.isRegularFile(folder.resolve(f))) throw new ModelException("file not found: " + folder.resolve(f) + " (named in model.yaml)");
        }
        return new ModelInfo(d.name() != null ? d.name() : folder.getFileName().toString(), s.model, ConditioningSpec.NONE, Optional.ofNullable(d.defaultSchedule()), true);
    }

    private static List<String> files(SdDescriptor d) {
        List<String> f = new ArrayList<>(List.of(d.unet(), d.vae().decoder()));
        if (d.vae().encoder() != null) f.add(d.vae().encoder());
        for (SdDescriptor.TextEncoder t : d.textEncoders()) f.add(t.file());
        return f;
    }

    private record Scheduler(DiffusersConfig cfg, NoiseModel model, Prediction prediction) {}

    private static Scheduler scheduler(Path folder, SdDescriptor d) {
        Path f = folder.resolve(d.schedulerConfig());
        Map<String, Object> json = org.sampler4j.host.model.TorchScriptModel.readSchedulerConfig(f);
        Object cls = json.get("_class_name");
        if (cls == null) throw new ModelException(f + " has no _class_name: add the diffusers scheduler class, e.g. \"_class_name\": \"EulerDiscreteScheduler\"");
        try {
            DiffusersConfig cfg = DiffusersConfig.of(cls.toString(), json);
            NoiseModel nm = DiffusersSchedules.importConfig(cfg).model();
            Object pt = json.get("prediction_type");
            Prediction p = d.prediction() != null ? Prediction.parse(d.prediction()) : Prediction.parse(pt == null ? "epsilon" : pt.toString());
            if (d.prediction() != null && pt != null && Prediction.parse(pt.toString()) != p) {
                throw new ModelException(folder.resolve(ModelDescriptor.FILE_NAME) + " says prediction " + p.id() + " but " + f.getFileName() + " says " + pt + ": make them agree");
            }
            return new Scheduler(cfg, nm, p);
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelException(f + ": " + e.getMessage(), e);
        }
    }

    private static ClipTokenizer tokenizer(Path folder, SdDescriptor.TextEncoder t) {
        Path dir = folder.resolve(t.tokenizer());
        if (!Files.isRegularFile(dir.resolve("vocab.json")) || !Files.isRegularFile(dir.resolve("merges.txt"))) {
            throw new ModelException("tokenizer folder " + dir + " needs vocab.json and merges.txt (copy the diffusers model's tokenizer/ folder, or fix the text encoder's tokenizer in model.yaml)");
        }
        try {
            return ClipTokenizer.of(dir.resolve("vocab.json"), dir.resolve("merges.txt"), t.pad().equals("zero") ? "!" : "<|endoftext|>");
        } catch (IOException | RuntimeException e) {
            throw new ModelException("cannot read the tokenizer in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static TorchScriptNetwork load(Path folder, String file, String what, List<AutoCloseable> opened) {
        Path p = folder.resolve(file);
        if (!Files.isRegularFile(p)) throw new ModelException(what + " file not found: " + p + " (named in model.yaml)");
        TorchScriptNetwork n = TorchScriptNetwork.load(p, what + " " + file);
        opened.add(n);
        return n;
    }

    /** Encodes the empty prompt and calls the UNet once, to learn the widths and check the signatures before sampling. */
    private void probe() {
        Encoded e = encode("", 0);
        textDim = e.hidden().length / TOKENS;
        pooledDim = e.pooled() == null ? 0 : e.pooled().length;
        float[] c = new float[perItem()];
        forward(new float[size(1)], new float[] {500f}, new Conditions(1, null, c));
    }

    /** The descriptor, completed. */
    public SdDescriptor descriptor() {
        return d;
    }

    /** The scheduler config of the folder. */
    public DiffusersConfig schedulerConfig() {
        return schedulerConfig;
    }

    /** Whether this is SDXL (two encoders, pooled embeddings, {@code time_ids}). */
    public boolean xl() {
        return d.xl();
    }

    /** Image pixels per latent pixel. */
    public int vaeScaleFactor() {
        return d.vae().scaleFactor();
    }

    /** Width of the text embedding fed to the UNet. */
    public int textDim() {
        return textDim;
    }

    /** Conditioning floats per item: {@code 77 * C} (+ pooled + 6 for SDXL). */
    public int perItem() {
        return TOKENS * textDim + (xl() ? pooledDim + TIME_IDS : 0);
    }

    /** Distinct prompts encoded so far (each text is encoded once per model and clip skip). */
    public int encodedPrompts() {
        return cache.size();
    }

    /**
     * A prompt through the text encoder(s), cached per text: SD takes the last hidden state (with {@code clipSkip > 0},
     * the layer-normed hidden state that many layers earlier); SDXL takes the penultimate raw hidden state of both
     * encoders (earlier with {@code clipSkip}) concatenated, and the pooled output of the second.
     *
     * @param prompt1 the prompt of the first encoder
     * @param clipSkip layers to skip (0: the model's default)
     */
    public Encoded encode(String prompt1, int clipSkip) {
        return encode(prompt1, prompt1, clipSkip);
    }

    /** {@link #encode(String, int)} with a separate prompt for SDXL's second encoder ({@code prompt_2}). */
    public Encoded encode(String prompt1, String prompt2, int clipSkip) {
        if (clipSkip < 0) throw new ModelException("clip skip must be >= 0, got " + clipSkip);
        String key = clipSkip + "\u0000" + prompt1 + (xl() ? "\u0000" + prompt2 : "");
        Encoded hit = cache.get(key);
        if (hit != null) return hit;
        List<float[]> parts = new ArrayList<>();
        float[] pooled = null;
        for (int k = 0; k < textEncoders.size(); k++) {
            String text = k == 0 ? prompt1 : prompt2;
            ClipTokenizer tok = tokenizers.get(k);
            int[] ids = tok.encodePadded(text);
            long[] l = new long[ids.length];
            for (int i = 0; i < ids.length; i++) l[i] = ids[i];
            TorchScriptNetwork te = textEncoders.get(k);
            boolean normed = !xl() && (clipSkip > 0 || d.hiddenState().equals("penultimate"));
            List<Output> out = te.callAll(List.of(Input.longs("input_ids", l, 1, ids.length)), normed ? 4 : 3, normed
                    ? "(last_hidden_state, pooled, hidden_states, layer-normed hidden_states): SD's clip skip needs the fourth output; re-export the text encoder with tools/export"
                    : "(last_hidden_state, pooled, hidden_states)");
            int skip = clipSkip + (d.hiddenState().equals("penultimate") ? 1 : 0);
            float[] h;
            if (!xl() && skip == 0) {
                h = out.get(0).values();
            } else {
                Output states = out.get(normed ? 3 : 2);
                int layers = (int) states.shape()[0];
                int layer = layers - 1 - skip;
                if (layer < 0) throw new ModelException("clip skip " + clipSkip + " is too large: the text encoder has " + (layers - 1) + " layers");
                int per = (int) (states.values().length / layers);
                h = Arrays.copyOfRange(states.values(), layer * per, (layer + 1) * per);
            }
            parts.add(h);
            pooled = out.get(1).values();
        }
        float[] hidden = concatLastAxis(parts);
        Encoded e = new Encoded(hidden, xl() ? pooled : null);
        cache.put(key, e);
        return e;
    }

    private static float[] concatLastAxis(List<float[]> parts) {
        if (parts.size() == 1) return parts.get(0);
        int total = 0;
        int[] widths = new int[parts.size()];
        for (int k = 0; k < parts.size(); k++) {
            widths[k] = parts.get(k).length / TOKENS;
            total += widths[k];
        }
        float[] out = new float[TOKENS * total];
        for (int t = 0; t < TOKENS; t++) {
            int at = t * total;
            for (int k = 0; k < parts.size(); k++) {
                System.arraycopy(parts.get(k), t * widths[k], out, at, widths[k]);
                at += widths[k];
            }
        }
        return out;
    }

    /** The conditioning vector of one item: the embedding (and for SDXL the pooled embedding and {@code time_ids}). */
    public float[] condition(float[] hidden, float[] pooled, double[] timeIds) {
        float[] c = Arrays.copyOf(hidden, perItem());
        if (xl()) {
            System.arraycopy(pooled, 0, c, hidden.length, pooledDim);
            for (int i = 0; i < TIME_IDS; i++) c[hidden.length + pooledDim + i] = (float) timeIds[i];
        }
        return c;
    }

    /** The zero conditioning vector of SDXL's {@code force_zeros_for_empty_prompt} (with its {@code time_ids}). */
    public float[] zeroCondition(double[] timeIds) {
        return condition(new float[TOKENS * textDim], new float[pooledDim], timeIds);
    }

    /** This model's networks sampling latents of {@code [C, height, width]}. */
    public DiffusionModel at(int latentHeight, int latentWidth) {
        if (latentHeight == item[1] && latentWidth == item[2]) return this;
        SdModel base = this;
        int[] shape = {item[0], latentHeight, latentWidth};
        return new DiffusionModel() {
            @Override public String name() { return base.name(); }
            @Override public String reference() { return base.reference(); }
            @Override public NoiseModel noiseModel() { return base.noiseModel(); }
            @Override public Prediction prediction() { return base.prediction(); }
            @Override public Parameterization parameterization() { return base.parameterization(); }
            @Override public int[] itemShape() { return shape.clone(); }
            @Override public ConditioningSpec conditioning() { return base.conditioning(); }
            @Override public Optional<String> defaultSchedule() { return base.defaultSchedule(); }
            @Override public float[] forward(float[] input, float[] timesteps, Conditions cond) { return base.run(shape, input, timesteps, cond); }
            @Override public PixelBatch toPixels(float[] samples, int batch) { return base.decode(shape, samples, batch); }
            @Override public int liveNativeArrays() { return base.liveNativeArrays(); }
            @Override public void close() { }
        };
    }

    @Override
    public float[] forward(float[] input, float[] timesteps, Conditions cond) {
        return run(item, input, timesteps, cond);
    }

    private float[] run(int[] shape, float[] input, float[] timesteps, Conditions cond) {
        int b = timesteps.length;
        for (float t : timesteps) {
            if (t != timesteps[0]) throw new IllegalArgumentException("the UNet takes one timestep per call; got " + Arrays.toString(timesteps));
        }
        long[] s = {b, shape[0], shape[1], shape[2]};
        float[] c = cond.embeddings();
        int per = perItem();
        if (c == null || c.length != b * per) throw new IllegalArgumentException("conditioning of " + (c == null ? 0 : c.length) + " floats for " + b + " items of " + per);
        List<Input> in = new ArrayList<>(5);
        in.add(Input.floats("sample", input, s));
        in.add(Input.floats("timestep", new float[] {timesteps[0]}));
        if (!xl()) {
            in.add(Input.floats("encoder_hidden_states", c, b, TOKENS, textDim));
        } else {
            int h = TOKENS * textDim;
            float[] hidden = new float[b * h];
            float[] pooled = new float[b * pooledDim];
            float[] ids = new float[b * TIME_IDS];
            for (int i = 0; i < b; i++) {
                System.arraycopy(c, i * per, hidden, i * h, h);
                System.arraycopy(c, i * per + h, pooled, i * pooledDim, pooledDim);
                System.arraycopy(c, i * per + h + pooledDim, ids, i * TIME_IDS, TIME_IDS);
            }
            in.add(Input.floats("encoder_hidden_states", hidden, b, TOKENS, textDim));
            in.add(Input.floats("text_embeds", pooled, b, pooledDim));
            in.add(Input.floats("time_ids", ids, b, TIME_IDS));
        }
        long t0 = System.nanoTime();
        float[] out = unet.forward(in, s, "noise prediction");
        unetNanos += System.nanoTime() - t0;
        unetCalls++;
        return out;
    }

    /** Wall time spent in UNet calls so far (input copies, the forward and the output copy), in nanoseconds. */
    public long unetNanos() {
        return unetNanos;
    }

    /** UNet calls so far. */
    public long unetCalls() {
        return unetCalls;
    }

    @Override
    public PixelBatch toPixels(float[] samples, int batch) {
        return decode(item, samples, batch);
    }

    /** Decodes latents and quantises as diffusers does: {@code round(clamp(image / 2 + 0.5, 0, 1) * 255)}, as levels / 255 in [0, 1]. */
    private PixelBatch decode(int[] shape, float[] latents, int batch) {
        float inv = (float) (1 / d.vae().scalingFactor());
        float shift = d.vae().shiftFactor() == null ? 0f : d.vae().shiftFactor().floatValue();
        float[] z = new float[latents.length];
        for (int i = 0; i < z.length; i++) z[i] = latents[i] * inv + shift;
        Output o = decoder.call(List.of(Input.floats("latents", z, batch, shape[0], shape[1], shape[2])), "decoded image");
        long[] s = o.shape();
        if (s.length != 4 || s[0] != batch || s[1] != 3) {
            throw new ModelException("vae decoder returned shape " + Arrays.toString(s) + ", expected [" + batch + ", 3, H, W]");
        }
        float[] px = o.values();
        for (int i = 0; i < px.length; i++) px[i] = level(px[i]) / 255f;
        return new PixelBatch(px, batch, 3, (int) s[2], (int) s[3], 0, 1);
    }

    /** diffusers' uint8 level of a decoded value in [-1, 1] (float32 arithmetic, round half to even as numpy). */
    public static int level(float v) {
        float x = v / 2f + 0.5f;
        if (Float.isNaN(x)) return 0;
        x = Math.max(0f, Math.min(1f, x));
        return (int) Math.rint(x * 255f);
    }

    /**
     * VAE-encodes images for img2img and draws the latent sample as diffusers' {@code latent_dist.sample(generator)}:
     * {@code (mean + exp(0.5 clamp(logvar, -30, 20)) * noise - shift) * scaling}.
     *
     * @param image {@code B * 3 * H * W} floats in [-1, 1]
     * @param noise draws standard normal floats ({@code n} at a time)
     */
    public float[] encodeImage(float[] image, int batch, int height, int width, java.util.function.IntFunction<float[]> noise) {
        if (encoder == null) throw new ModelException("this model has no VAE encoder (vae.encoder in model.yaml), so it cannot do img2img");
        if (height % vaeScaleFactor() != 0 || width % vaeScaleFactor() != 0) {
            throw new ModelException("init image " + width + "x" + height + " is not a multiple of the VAE scale factor " + vaeScaleFactor() + ": resize it");
        }
        Output o = encoder.call(List.of(Input.floats("image", image, batch, 3, height, width)), "latent moments");
        long[] s = o.shape();
        int c = item[0];
        if (s.length != 4 || s[0] != batch || s[1] != 2 * c) {
            throw new ModelException("vae encoder returned shape " + Arrays.toString(s) + ", expected [" + batch + ", " + 2 * c + ", h, w] (mean and logvar)");
        }
        int plane = (int) (s[2] * s[3]);
        int per = c * plane;
        float[] m = o.values();
        float[] eps = noise.apply(batch * per);
        float[] out = new float[batch * per];
        float scaling = d.vae().scalingFactor().floatValue();
        float shift = d.vae().shiftFactor() == null ? 0f : d.vae().shiftFactor().floatValue();
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < per; i++) {
                float mean = m[b * 2 * per + i];
                float logvar = Math.max(-30f, Math.min(20f, m[b * 2 * per + per + i]));
                float std = (float) Math.exp(0.5f * logvar);
                float sample = mean + std * eps[b * per + i];
                out[b * per + i] = d.vae().shiftFactor() == null ? scaling * sample : (sample - shift) * scaling;
            }
        }
        return out;
    }

    private int size(int batch) {
        return batch * item[0] * item[1] * item[2];
    }

    @Override public String name() { return d.name() != null ? d.name() : folder.getFileName().toString(); }
    @Override public String reference() { return folder.toString(); }
    @Override public NoiseModel noiseModel() { return noiseModel; }
    @Override public Prediction prediction() { return prediction; }
    @Override public Parameterization parameterization() { return Parameterization.of(noiseModel, prediction); }
    @Override public int[] itemShape() { return item.clone(); }
    @Override public ConditioningSpec conditioning() { return new ConditioningSpec("text_embedding", null, null, TOKENS, textDim); }
    @Override public Optional<String> defaultSchedule() { return Optional.ofNullable(d.defaultSchedule()); }

    @Override
    public Conditions unconditional(int batch) {
        float[] one = d.forceZerosForEmptyPrompt() && xl() ? zeroCondition(SdPipeline.defaultTimeIds(this, item[1], item[2]))
                : condition(encode("", 0).hidden(), encode("", 0).pooled(), SdPipeline.defaultTimeIds(this, item[1], item[2]));
        return Conditions.embedding(one, batch);
    }

    @Override
    public int liveNativeArrays() {
        int n = unet.liveArrays() + decoder.liveArrays() + (encoder == null ? 0 : encoder.liveArrays());
        for (TorchScriptNetwork t : textEncoders) n += t.liveArrays();
        return n;
    }

    @Override
    public void close() {
        unet.close();
        decoder.close();
        if (encoder != null) encoder.close();
        for (TorchScriptNetwork t : textEncoders) t.close();
    }
}
