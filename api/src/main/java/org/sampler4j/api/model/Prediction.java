package org.sampler4j.api.model;

import java.util.Locale;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.schedule.Names;

/**
 * What a network predicts, and how that becomes the denoised estimate {@code D(x; sigma)} in the variance-exploding
 * frame {@code x = x0 + sigma n} (for flow models, the flow frame {@code x = (1 - sigma) x0 + sigma n}). This is the
 * only place where prediction types differ: samplers only see {@code D}.
 */
public enum Prediction {
    /** The noise {@code eps} (DDPM): {@code D = x - sigma eps}. */
    EPSILON("epsilon"),
    /** The velocity {@code v = alpha eps - sigma_vp x0} (Salimans &amp; Ho 2022): {@code D = x/(1+sigma^2) - sigma/sqrt(1+sigma^2) v}. */
    V_PREDICTION("v_prediction"),
    /** The clean sample {@code x0}: {@code D = out}. */
    SAMPLE("sample"),
    /** Rectified-flow velocity {@code n - x0}: {@code D = x - sigma v}. */
    FLOW("flow_prediction");

    private final String id;

    Prediction(String id) {
        this.id = id;
    }

    /** {@return the diffusers name ({@code prediction_type})} */
    public String id() {
        return id;
    }

    /**
     * Parses a diffusers name ({@code epsilon}, {@code v_prediction}, {@code sample}, {@code flow_prediction}; also {@code eps}, {@code v}, {@code x0}, {@code flow}).
     *
     * @param s the name
     * @return the prediction type
     * @throws IllegalArgumentException for other names, with a "did you mean"
     */
    public static Prediction parse(String s) {
        String k = s.toLowerCase(Locale.ROOT);
        for (Prediction p : values()) if (p.id.equals(k)) return p;
        switch (k) {
            case "eps": return EPSILON;
            case "v": return V_PREDICTION;
            case "x0": return SAMPLE;
            case "flow": return FLOW;
            default: throw new IllegalArgumentException(Names.unknown("prediction type", s, java.util.List.of("epsilon", "v_prediction", "sample", "flow_prediction")));
        }
    }

    /**
     * The denoised estimate from the network output.
     *
     * @param x the noisy latent in this prediction's frame (VE; flow frame for {@link #FLOW})
     * @param sigma its noise level
     * @param out the network output
     * @return the estimate of the clean sample {@code x0}, in the same frame as {@code x}
     */
    public Latent denoised(Latent x, double sigma, Latent out) {
        return denoised(x, sigma, out, LatentRing.none());
    }

    /**
     * As {@link #denoised(Latent, double, Latent)}, computed into {@code into} (storage the calling sampler owns,
     * {@link LatentRing}); {@link #SAMPLE} returns {@code out} itself.
     *
     * @param x the noisy latent in this prediction's frame
     * @param sigma its noise level
     * @param out the network output
     * @param into the ring for the result
     * @return the denoised estimate, in {@code into}'s storage ({@code out} itself for {@link #SAMPLE})
     */
    public Latent denoised(Latent x, double sigma, Latent out, LatentRing into) {
        switch (this) {
            case EPSILON:
            case FLOW:
                return into.sum(1, x, -sigma, out);
            case V_PREDICTION: {
                double cSkip = 1 / (sigma * sigma + 1);
                double cOut = -sigma / Math.sqrt(sigma * sigma + 1);
                return into.sum(cSkip, x, cOut, out);
            }
            default:
                return out;
        }
    }
}
