package org.sampler4j.plugins.samplers;

import java.util.Arrays;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * The steps of a sigma list: {@code sigmas[k] -> sigmas[k+1]} (chained), or with the option {@code paired} the list
 * {@code (from_0, to_0, from_1, to_1, ...)} of steps that each start at their own sigma.
 *
 * <p>Paired steps are how diffusers' DDIM and PNDM step: from the model call's timestep {@code t} to
 * {@code t - N // n}, while the next model call is at the next listed timestep (the two differ for uneven spacings:
 * linspace 999 -> 833, next call at 799). In between the sample keeps its value in the VP frame and is only relabelled,
 * so in the VE frame it scales by {@code alpha(to_k) / alpha(from_{k+1}) = sqrt((1 + from_{k+1}^2) / (1 + to_k^2))}
 * ({@link #carry}). For a chained list every carry is the identity. Listeners see the steps against the sigmas of the
 * model calls, {@code (from_0, from_1, ..., to_last)}.
 */
final class StepPairs {
    static final OptionSpec OPTION = OptionSpec.bool("paired", false,
            "sigmas are (from, to) pairs, one step each; between steps the sample keeps its VP value (diffusers DDIM/PNDM on uneven spacings)");

    private final double[] from;
    private final double[] to;
    private final double[] calls;

    private StepPairs(double[] from, double[] to) {
        this.from = from;
        this.to = to;
        this.calls = Arrays.copyOf(from, from.length + 1);
        calls[from.length] = to[to.length - 1];
    }

    /** The steps of {@code sigmas} (at least 2 sigmas; paired: an even number). */
    static StepPairs of(double[] sigmas, boolean paired) {
        if (!paired) return new StepPairs(Arrays.copyOf(sigmas, sigmas.length - 1), Arrays.copyOfRange(sigmas, 1, sigmas.length));
        if (sigmas.length < 2 || sigmas.length % 2 != 0) {
            throw new IllegalArgumentException("paired sigmas are (from, to) pairs: an even number, at least 2, got " + sigmas.length);
        }
        double[] f = new double[sigmas.length / 2];
        double[] t = new double[f.length];
        for (int k = 0; k < f.length; k++) {
            f[k] = sigmas[2 * k];
            t[k] = sigmas[2 * k + 1];
        }
        return new StepPairs(f, t);
    }

    int size() {
        return from.length;
    }

    double from(int k) {
        return from[k];
    }

    double to(int k) {
        return to[k];
    }

    /** The sample after step {@code k - 1} as the start of step {@code k}, written into {@code xs}. */
    Latent carry(Latent x, int k, LatentRing xs) {
        return k == 0 ? x : relabel(x, to[k - 1], from[k], xs);
    }

    /** {@code x} at {@code sigma} relabelled to {@code sigmaNew}, keeping its value in the VP frame, written into {@code xs}. */
    static Latent relabel(Latent x, double sigma, double sigmaNew, LatentRing xs) {
        return sigma == sigmaNew ? x : xs.scale(Math.hypot(1, sigmaNew) / Math.hypot(1, sigma), x);
    }

    /** Reports step {@code k} to the listener. */
    void report(SamplingContext ctx, int k, Latent x, Latent denoised) {
        ctx.step(k, calls, x, denoised);
    }
}
