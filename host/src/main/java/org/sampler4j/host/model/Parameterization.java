package org.sampler4j.host.model;

import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.EdmNoiseModel;
import org.sampler4j.api.schedule.FlowNoiseModel;
import org.sampler4j.api.schedule.NoiseModel;

/**
 * How a network is called at noise level sigma and how its output becomes {@code D(x; sigma)}: the input scaling
 * {@code c_in}, the timestep it is conditioned on, and the prediction's conversion (the same maps as
 * {@link org.sampler4j.api.model.Denoisers}, split so that guidance can combine the raw predictions first, as diffusers
 * does, before converting them).
 */
public interface Parameterization {
    /** The input scaling: the network sees {@code cIn(sigma) * x}. */
    double cIn(double sigma);

    /** The timestep the network is conditioned on. */
    double timestep(double sigma);

    /** The denoised estimate from the network output {@code out} at {@code (x, sigma)}. */
    Latent denoised(Latent x, double sigma, Latent out);

    /**
     * As {@link #denoised(Latent, double, Latent)}, written into the sampler's storage {@code into} where the
     * conversion can ({@link Prediction#denoised(Latent, double, Latent, LatentRing)}); the default allocates.
     *
     * @param x the noisy latent
     * @param sigma its noise level
     * @param out the network output
     * @param into the sampler's ring for the result
     * @return the denoised estimate
     */
    default Latent denoised(Latent x, double sigma, Latent out, LatentRing into) {
        return denoised(x, sigma, out);
    }

    /**
     * The standard parameterization of a noise model and prediction type:
     * <ul>
     *   <li>discrete (DDPM): {@code c_in = 1/sqrt(sigma^2+1)}, timestep by log-sigma interpolation, any prediction but flow;</li>
     *   <li>flow: {@code c_in = 1}, timestep {@code sigma * N}, flow prediction only;</li>
     *   <li>EDM: {@code c_in = 1/sqrt(sigma^2+sigma_data^2)}, timestep {@code log(sigma)/4}, the prediction read in the VE frame.</li>
     * </ul>
     *
     * @throws ModelException for a prediction the noise model cannot have
     */
    static Parameterization of(NoiseModel model, Prediction prediction) {
        if (model instanceof DiscreteNoiseModel d) {
            if (prediction == Prediction.FLOW) {
                throw new ModelException("prediction flow_prediction needs a flow noise model (noise_model: flow), not " + d.describe());
            }
            return new Parameterization() {
                @Override public double cIn(double sigma) { return 1 / Math.sqrt(sigma * sigma + 1); }
                @Override public double timestep(double sigma) { return d.sigmaToT(sigma); }
                @Override public Latent denoised(Latent x, double sigma, Latent out) { return prediction.denoised(x, sigma, out); }
                @Override public Latent denoised(Latent x, double sigma, Latent out, LatentRing into) { return prediction.denoised(x, sigma, out, into); }
            };
        }
        if (model instanceof FlowNoiseModel f) {
            if (prediction != Prediction.FLOW) {
                throw new ModelException("a flow noise model needs prediction flow_prediction, got " + prediction.id());
            }
            return new Parameterization() {
                @Override public double cIn(double sigma) { return 1; }
                @Override public double timestep(double sigma) { return sigma * f.numTrainTimesteps(); }
                @Override public Latent denoised(Latent x, double sigma, Latent out) { return Prediction.FLOW.denoised(x, sigma, out); }
                @Override public Latent denoised(Latent x, double sigma, Latent out, LatentRing into) { return Prediction.FLOW.denoised(x, sigma, out, into); }
            };
        }
        EdmNoiseModel e = (EdmNoiseModel) model;
        if (prediction == Prediction.FLOW) throw new ModelException("prediction flow_prediction needs a flow noise model, not " + e.describe());
        return new Parameterization() {
            @Override public double cIn(double sigma) { return 1 / Math.sqrt(sigma * sigma + e.sigmaData() * e.sigmaData()); }
            @Override public double timestep(double sigma) { return e.timestepOf(sigma); }
            @Override public Latent denoised(Latent x, double sigma, Latent out) { return prediction.denoised(x, sigma, out); }
            @Override public Latent denoised(Latent x, double sigma, Latent out, LatentRing into) { return prediction.denoised(x, sigma, out, into); }
        };
    }

    /** A model that is its own denoiser: input {@code x} unscaled, timestep = sigma, output = {@code D}. */
    static Parameterization direct() {
        return new Parameterization() {
            @Override public double cIn(double sigma) { return 1; }
            @Override public double timestep(double sigma) { return sigma; }
            @Override public Latent denoised(Latent x, double sigma, Latent out) { return out; }
        };
    }
}
