package org.sampler4j.plugins.samplers;

import static org.sampler4j.plugins.samplers.UniPcCoefficients.BH1;
import static org.sampler4j.plugins.samplers.UniPcCoefficients.BH2;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplerStorage;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * UniPC, the unified predictor-corrector (UniP-p + UniC, order p+1), B(h) variants. Zhao et al. 2023 (UniPC); ComfyUI
 * {@code sample_unipc}, diffusers {@code UniPCMultistepScheduler}.
 *
 * <p>One model call per step: the value at the predicted point both corrects it (UniC) and enters the history. The
 * update is written in the VE frame ({@code lambda = -log sigma}); it is the VP update of the references divided by
 * {@code alpha}. {@code reference}: {@code sampler4j} (default) returns the denoised estimate on a step to sigma 0;
 * {@code diffusers} evaluates that step literally (NaN for bh1 and for the noise-prediction form, as diffusers);
 * {@code comfyui} replaces a final sigma 0 by 0.001, returns the latent there, and caps the order at {@code n - 1}.
 */
@Extension
public final class UniPc implements Sampler {
    static final String SAMPLER4J = "sampler4j";
    static final double COMFYUI_FINAL_SIGMA = 0.001;
    private static final SamplerInfo INFO = new SamplerInfo("uni_pc", List.of("unipc", "UniPCMultistepScheduler"),
            "UniPC multistep predictor-corrector (1 model call per step); B(h) = h (bh1) or e^h - 1 (bh2)",
            "Zhao et al. 2023, UniPC (ComfyUI sample_unipc, diffusers UniPCMultistepScheduler)", options(BH1), SamplerInfo.Capabilities.deterministic(1));

    static List<OptionSpec> options(String variant) {
        return List.of(OptionSpec.choice("variant", variant, List.of(BH1, BH2), "B(h) = h (bh1) or e^h - 1 (bh2)"),
                OptionSpec.integer("order", 3, 1, 3, "predictor order p (the corrector makes it p+1); lower while the history builds up"),
                OptionSpec.bool("predict_x0", true, "data-prediction form (true) or noise-prediction form (false)"),
                OptionSpec.bool("lower_order_final", true, "order at most n - i on step i (first order on the last step)"),
                OptionSpec.integer("disable_corrector", 0, 0, null, "bit mask: bit j skips the corrector of step j's result (diffusers disable_corrector=[j, ...], j <= 30)"),
                OptionSpec.choice("reference", SAMPLER4J, List.of(SAMPLER4J, Churn.COMFYUI, Churn.DIFFUSERS),
                        "step to sigma 0: denoised estimate (sampler4j), literal (diffusers), or to sigma 0.001 (comfyui)"));
    }

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return run(model, x, sigmas, o, ctx);
    }

    /** The sampling loop ({@link UniPcBh2} shares it). */
    static Latent run(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        String ref = o.choice("reference");
        double[] s = sigmas.clone();
        int n = s.length - 1;
        int order = o.integer("order");
        if (ref.equals(Churn.COMFYUI)) {
            if (s[n] == 0) s[n] = COMFYUI_FINAL_SIGMA;
            order = Math.max(1, Math.min(order, n - 1));
        }
        String variant = o.choice("variant");
        boolean x0 = o.bool("predict_x0");
        Latent[] m = new Latent[order]; // model values, newest first: data (x0) or noise predictions
        Latent before = null;
        int lastOrder = 0;
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(3); // the corrector's result and the x before the step, the predictor's result
        LatentRing ds = storage.ring(order + 1); // the model values of the history, and the new one
        LatentRing noisePredictions = storage.ring(order + 1); // the same in the noise-prediction form
        for (int i = 0; i < n; i++) {
            Latent denoised = storage.denoise(x, s[i], ds);
            Latent mi = x0 ? denoised : noisePredictions.toD(x, s[i], denoised);
            if (i > 0 && corrects(o, i - 1)) x = UniPcCoefficients.update(before, m, mi, s, i - 1, lastOrder, variant, x0, xs);
            System.arraycopy(m, 0, m, 1, order - 1);
            m[0] = mi;
            int p = Math.min(order, i + 1);
            if (o.bool("lower_order_final")) p = Math.min(p, n - i);
            before = x;
            x = s[i + 1] == 0 && ref.equals(SAMPLER4J) ? denoised : UniPcCoefficients.update(x, m, null, s, i, p, variant, x0, xs);
            lastOrder = p;
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }

    /** Whether the result of step {@code j} is corrected ({@code disable_corrector} bit {@code j} clear). */
    private static boolean corrects(SamplerOptions o, int j) {
        return j > 30 || ((o.integer("disable_corrector") >> j) & 1) == 0;
    }
}
