package org.sampler4j.host.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sampler4j.api.diffusers.DiffusersSchedules;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.schedule.NoiseModel;
import org.sampler4j.api.schedule.NoiseModels;
import org.sampler4j.host.model.TorchScriptNetwork.Input;

/**
 * A model folder: a TorchScript network (and optionally a TorchScript VAE decoder) described by {@code model.yaml}
 * ({@link ModelDescriptor}). Opening it checks everything that can be checked before sampling: the descriptor, the
 * files, their dtypes, the noise model, and one probe call of the network (and decoder) with a batch of one, so that
 * a shape mismatch is reported with names before the first step.
 */
public final class TorchScriptModel implements DiffusionModel {
    private final Path folder;
    private final ModelDescriptor d;
    private final NoiseModel noiseModel;
    private final Parameterization parameterization;
    private final TorchScriptNetwork network;
    private final TorchScriptNetwork decoder;
    private final int[] item;
    private long[] decodedItemShape;

    private TorchScriptModel(Path folder, ModelDescriptor d, NoiseModel noiseModel, TorchScriptNetwork network, TorchScriptNetwork decoder) {
        this.folder = folder;
        this.d = d;
        this.noiseModel = noiseModel;
        this.parameterization = Parameterization.of(noiseModel, d.predictionType());
        this.network = network;
        this.decoder = decoder;
        this.item = d.sample().toArray();
    }

    /** Opens and checks a model folder. */
    public static TorchScriptModel open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new ModelException("model folder not found: " + folder + " (give a folder with model.yaml and the TorchScript network, or a built-in model: " + String.join(", ", Models.BUILT_IN) + ")");
        }
        ModelDescriptor d = ModelDescriptor.read(folder);
        NoiseModel nm = noiseModel(folder, d);
        Parameterization.of(nm, d.predictionType()); // fail on an impossible pairing before loading anything
        TorchScriptNetwork net = TorchScriptNetwork.load(folder.resolve(d.network()), "network " + d.network());
        TorchScriptNetwork dec = null;
        try {
            if (d.pixels().decoder() != null) dec = TorchScriptNetwork.load(folder.resolve(d.pixels().decoder()), "decoder " + d.pixels().decoder());
            TorchScriptModel m = new TorchScriptModel(folder, d, nm, net, dec);
            m.probe();
            return m;
        } catch (RuntimeException e) {
            net.close();
            if (dec != null) dec.close();
            throw e;
        }
    }

    /**
     * What a model folder declares, without loading its networks (no native engine): for checks before a run
     * ({@code sampler4j validate}).
     */
    public static ModelInfo describe(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new ModelException("model folder not found: " + folder + " (give a folder with model.yaml and the TorchScript network, or a built-in model: " + String.join(", ", Models.BUILT_IN) + ")");
        }
        ModelDescriptor d = ModelDescriptor.read(folder);
        NoiseModel nm = noiseModel(folder, d);
        Parameterization.of(nm, d.predictionType());
        if (!Files.isRegularFile(folder.resolve(d.network()))) throw new ModelException("network file not found: " + folder.resolve(d.network()) + " (model.yaml's network)");
        String name = d.name() != null ? d.name() : folder.getFileName().toString();
        return new ModelInfo(name, nm, d.conditioning() == null ? ConditioningSpec.NONE : d.conditioning(), Optional.ofNullable(d.defaultSchedule()));
    }

    private static NoiseModel noiseModel(Path folder, ModelDescriptor d) {
        if (d.noiseModel() != null) {
            try {
                return NoiseModels.named(d.noiseModel());
            } catch (RuntimeException e) {
                throw new ModelException(folder.resolve(ModelDescriptor.FILE_NAME) + ": noise_model: " + e.getMessage());
            }
        }
        Path cfg = folder.resolve(d.schedulerConfig());
        Map<String, Object> json = readSchedulerConfig(cfg);
        Object pt = json.get("prediction_type");
        if (pt != null && Prediction.parse(pt.toString()) != d.predictionType()) {
            throw new ModelException(folder.resolve(ModelDescriptor.FILE_NAME) + " says prediction " + d.predictionType().id() + " but " + cfg.getFileName()
                    + " says " + pt + ": make them agree");
        }
        try {
            return DiffusersSchedules.importConfig(json).model();
        } catch (RuntimeException e) {
            throw new ModelException(cfg + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a diffusers {@code scheduler_config.json} as a map (keys in file order).
     *
     * @throws ModelException naming the file when it cannot be read or parsed
     */
    public static Map<String, Object> readSchedulerConfig(Path cfg) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new ObjectMapper().readValue(Files.readString(cfg), LinkedHashMap.class);
            return m;
        } catch (IOException e) {
            throw new ModelException("cannot read the scheduler config " + cfg + ": " + TorchScriptNetwork.firstLine(e.getMessage()) + " (model.yaml's scheduler_config)", e);
        }
    }

    /** One call of the network and decoder on a batch of one, to check shapes and dtypes up front. */
    private void probe() {
        int n = size(1);
        double sigma = Math.sqrt(noiseModel.sigmaMin() * noiseModel.sigmaMax());
        forward(new float[n], new float[] {(float) parameterization.timestep(sigma)}, unconditional(1));
        if (decoder != null) {
            TorchScriptNetwork.Output o = decoder.call(List.of(Input.floats("latent", new float[n], shape(1))), "decoded image");
            long[] s = o.shape();
            if (s.length != 4 || s[0] != 1 || (s[1] != 1 && s[1] != 3)) {
                throw new ModelException("decoder " + d.pixels().decoder() + " returned shape " + Arrays.toString(s) + " for a latent " + Arrays.toString(shape(1))
                        + ", expected [1, 3, H, W] or [1, 1, H, W] (an image batch)");
            }
            decodedItemShape = Arrays.copyOfRange(s, 1, 4);
        }
    }

    private int size(int batch) {
        return batch * item[0] * item[1] * item[2];
    }

    private long[] shape(int batch) {
        return new long[] {batch, item[0], item[1], item[2]};
    }

    @Override
    public float[] forward(float[] input, float[] timesteps, Conditions cond) {
        int b = timesteps.length;
        if (input.length != size(b) || cond.batch() != b) {
            throw new IllegalArgumentException("batch mismatch: " + input.length + " values, " + b + " timesteps, " + cond.batch() + " conditions for items " + Arrays.toString(item));
        }
        List<Input> in = new ArrayList<>(d.inputs().size());
        for (String role : d.inputs()) {
            switch (role) {
                case "sample" -> in.add(Input.floats(role, input, shape(b)));
                case "timestep" -> in.add(Input.floats(role, timesteps, b));
                case "class_label" -> {
                    long[] l = new long[b];
                    for (int i = 0; i < b; i++) l[i] = cond.classLabels()[i];
                    in.add(Input.longs(role, l, b));
                }
                case "text_embedding" -> in.add(Input.floats(role, cond.embeddings(), b, d.conditioning().tokens(), d.conditioning().dim()));
                default -> throw new IllegalStateException(role);
            }
        }
        return network.forward(in, shape(b), "prediction");
    }

    @Override
    public PixelBatch toPixels(float[] samples, int batch) {
        double lo = d.pixels().range().get(0);
        double hi = d.pixels().range().get(1);
        if (decoder == null) return new PixelBatch(samples.clone(), batch, item[0], item[1], item[2], lo, hi);
        float[] z = samples.clone();
        if (d.pixels().scalingFactor() != null) {
            float inv = (float) (1 / d.pixels().scalingFactor());
            for (int i = 0; i < z.length; i++) z[i] *= inv;
        }
        long[] out = {batch, decodedItemShape[0], decodedItemShape[1], decodedItemShape[2]};
        float[] px = decoder.forward(List.of(Input.floats("latent", z, shape(batch))), out, "decoded image");
        return new PixelBatch(px, batch, (int) out[1], (int) out[2], (int) out[3], lo, hi);
    }

    @Override public String name() { return d.name() != null ? d.name() : folder.getFileName().toString(); }
    @Override public String reference() { return folder.toString(); }
    @Override public NoiseModel noiseModel() { return noiseModel; }
    @Override public Prediction prediction() { return d.predictionType(); }
    @Override public Parameterization parameterization() { return parameterization; }
    @Override public int[] itemShape() { return item.clone(); }
    @Override public ConditioningSpec conditioning() { return d.conditioning(); }
    @Override public Optional<String> defaultSchedule() { return Optional.ofNullable(d.defaultSchedule()); }

    /** The descriptor. */
    public ModelDescriptor descriptor() {
        return d;
    }

    @Override
    public int liveNativeArrays() {
        return network.liveArrays() + (decoder == null ? 0 : decoder.liveArrays());
    }

    @Override
    public void close() {
        network.close();
        if (decoder != null) decoder.close();
    }
}
