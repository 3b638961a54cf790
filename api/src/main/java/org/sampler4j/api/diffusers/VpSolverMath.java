package org.sampler4j.api.diffusers;

import java.util.List;
import java.util.function.UnaryOperator;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * The scalar maths diffusers' multistep VP solvers share (DPMSolverMultistep and its Inverse, UniPC, DEIS): the
 * sample's {@code (alpha_t, sigma_t)} for a sigma ({@code _sigma_to_alpha_sigma_t}, VP or flow sigmas), the log-SNR
 * {@code lambda = log(alpha_t) - log(sigma_t)}, {@code convert_model_output} to the data or noise prediction, and the
 * model-output history. diffusers holds its sigmas as float32 0-d tensors, so every scalar here is a float32 operation
 * in diffusers' order: a step's coefficients round as diffusers' do (they are then applied to the tensors in one
 * double-precision sum).
 *
 * <p>Provenance: Lu et al. 2022, "DPM-Solver++" (data and noise forms, section 3); diffusers
 * {@code scheduling_dpmsolver_multistep.py} {@code _sigma_to_alpha_sigma_t}, {@code convert_model_output}.
 */
final class VpSolverMath {
    private final boolean flow;
    /** EDM's {@code sigma_data} (EDMDPMSolverMultistep: {@code alpha_t = 1}, {@code sigma_t = sigma}, preconditioned outputs), else NaN. */
    private final float sigmaData;
    private final Prediction prediction;
    private final UnaryOperator<Latent> threshold;
    private final float[] sigmas;

    /**
     * @param cfg the class's config ({@code use_flow_sigmas}, {@code prediction_type}, {@code thresholding})
     * @param ts the class's {@code set_timesteps} result: its {@code sigmas} (float32, the final one included)
     */
    VpSolverMath(DiffusersConfig cfg, DiffusersTimesteps ts) {
        this.sigmaData = cfg.has("sigma_data") ? (float) cfg.dbl("sigma_data") : Float.NaN;
        this.flow = !edm() && cfg.bool("use_flow_sigmas");
        try {
            this.prediction = Prediction.parse(cfg.str("prediction_type"));
        } catch (IllegalArgumentException e) {
            throw new ScheduleException(cfg.className() + ": " + e.getMessage());
        }
        if (prediction == Prediction.FLOW && !flow) {
            throw new ScheduleException(cfg.className() + ": prediction_type 'flow_prediction' needs use_flow_sigmas=true");
        }
        if (cfg.has("variance_type") && List.of("learned", "learned_range").contains(cfg.str("variance_type"))) {
            throw new ScheduleException(cfg.className() + ": variance_type '" + cfg.str("variance_type")
                    + "' (a model that also outputs its variance) is not supported; pass the mean channels only");
        }
        this.threshold = ClassSteps.thresholding(cfg);
        double[] s = ts.sigmas();
        this.sigmas = new float[s.length];
        for (int i = 0; i < s.length; i++) sigmas[i] = (float) s[i];
    }

    /** {@return {@code sigmas[i]} (float32)} */
    float sigma(int i) {
        return sigmas[i];
    }

    /** {@return the number of sigmas (the final one included)} */
    int sigmaCount() {
        return sigmas.length;
    }

    /** {@return the prediction type} */
    Prediction prediction() {
        return prediction;
    }

    /** {@return whether this is the EDM frame ({@code sigma_data} set)} */
    boolean edm() {
        return !Float.isNaN(sigmaData);
    }

    /** {@return EDM's {@code c_in = 1 / sqrt(sigma^2 + sigma_data^2)} at {@code sigmas[i]} ({@code scale_model_input})} */
    float edmInputScale(int i) {
        return edmInputScale(sigmaData, sigmas[i]);
    }

    /** {@return EDM's {@code c_in = 1 / sqrt(s^2 + sigma_data^2)} (float32)} */
    static float edmInputScale(float sigmaData, float s) {
        return 1f / (float) Math.sqrt(s * s + sigmaData * sigmaData);
    }

    /** {@return {@code alpha_t} of {@code sigmas[i]}: {@code 1 / sqrt(sigma^2 + 1)}, {@code 1 - sigma} for flow sigmas, 1 for EDM} */
    float alpha(int i) {
        float s = sigmas[i];
        if (edm()) return 1f;
        if (flow) return 1f - s;
        float root = (float) Math.sqrt(s * s + 1f);
        return 1f / root;
    }

    /** {@return {@code sigma_t} of {@code sigmas[i]}: {@code sigma * alpha_t}, or {@code sigma} for flow sigmas and EDM} */
    float sigmaT(int i) {
        return flow || edm() ? sigmas[i] : sigmas[i] * alpha(i);
    }

    /** {@return the log-SNR {@code log(alpha_t) - log(sigma_t)} of {@code sigmas[i]} (infinite at sigma 0)} */
    float lambda(int i) {
        return log(alpha(i)) - log(sigmaT(i));
    }

    /**
     * The data prediction {@code x0} of diffusers' {@code convert_model_output} (DPM-Solver++, UniPC with
     * {@code predict_x0}, DEIS), thresholded where the config says so.
     *
     * @param out the network's output at model call {@code i}
     * @param sample the sample it was given
     * @param i the model call
     * @return {@code x0}
     */
    Latent data(Latent out, Latent sample, int i) {
        if (edm()) return threshold.apply(edmOutputs(out, sample, i));
        float alphaT = alpha(i);
        float sigmaT = sigmaT(i);
        Latent x0 = switch (prediction) {
            case EPSILON -> Latents.sum(1.0 / alphaT, sample, -sigmaT / (double) alphaT, out);
            case SAMPLE -> out;
            case V_PREDICTION -> Latents.sum(alphaT, sample, -sigmaT, out);
            case FLOW -> Latents.sum(1, sample, -sigmas[i], out);
        };
        return threshold.apply(x0);
    }

    private Latent edmOutputs(Latent out, Latent sample, int i) {
        return edmOutputs(prediction, sigmaData, sigmas[i], out, sample);
    }

    /**
     * EDM's {@code precondition_outputs} (Karras et al. 2022, table 1; diffusers' EDM classes): the data prediction
     * {@code c_skip * sample + c_out * out} at {@code sigma} (v-prediction: {@code c_out} negated), float32 scalars.
     *
     * @param prediction epsilon or v_prediction
     * @param sigmaData EDM's {@code sigma_data}
     * @param s the noise level
     * @param out the network's output
     * @param sample the sample it was given
     * @return {@code x0}
     */
    static Latent edmOutputs(Prediction prediction, float sigmaData, float s, Latent out, Latent sample) {
        float sd2 = sigmaData * sigmaData;
        float cSkip = sd2 / (s * s + sd2);
        float cOut = s * sigmaData / (float) Math.sqrt(s * s + sd2);
        if (prediction == Prediction.V_PREDICTION) cOut = -cOut;
        return Latents.sum(cSkip, sample, cOut, out);
    }

    /**
     * The noise prediction {@code eps} of diffusers' {@code convert_model_output} (DPM-Solver, UniPC without
     * {@code predict_x0}); with {@code thresholds} and the config's thresholding, through the thresholded {@code x0}
     * as the DPM-Solver classes do (UniPC's noise prediction is never thresholded).
     *
     * @param out the network's output at model call {@code i}
     * @param sample the sample it was given
     * @param i the model call
     * @param thresholds whether the class thresholds its noise prediction
     * @return {@code eps}
     */
    Latent noise(Latent out, Latent sample, int i, boolean thresholds) {
        float alphaT = alpha(i);
        float sigmaT = sigmaT(i);
        Latent eps = switch (prediction) {
            case EPSILON -> out;
            case SAMPLE -> Latents.sum(1.0 / sigmaT, sample, -alphaT / (double) sigmaT, out);
            case V_PREDICTION -> Latents.sum(alphaT, out, sigmaT, sample);
            case FLOW -> throw new ScheduleException("prediction_type 'flow_prediction' needs the data prediction (dpmsolver++, predict_x0=True)");
        };
        if (!thresholds || threshold == ClassSteps.NO_THRESHOLD) return eps;
        Latent x0 = threshold.apply(Latents.sum(1.0 / alphaT, sample, -sigmaT / (double) alphaT, eps));
        return epsFromData(x0, sample, i);
    }

    /** {@return {@code (sample - alpha_t * x0) / sigma_t} at model call {@code i}} */
    Latent epsFromData(Latent x0, Latent sample, int i) {
        float alphaT = alpha(i);
        float sigmaT = sigmaT(i);
        return Latents.sum(1.0 / sigmaT, sample, -alphaT / (double) sigmaT, x0);
    }

    /** float32 {@code log}. */
    static float log(float x) {
        return (float) Math.log(x);
    }

    /** float32 {@code exp}. */
    static float exp(float x) {
        return (float) Math.exp(x);
    }

    /** float32 {@code expm1}. */
    static float expm1(float x) {
        return (float) Math.expm1(x);
    }

    /** float32 {@code sqrt}. */
    static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }

    /**
     * diffusers' {@code model_outputs}: the last {@code order} converted outputs, oldest first; a new one shifts the
     * list left ({@code model_outputs[i] = model_outputs[i + 1]}) and goes last.
     */
    static final class History {
        private final Latent[] items;

        History(int order) {
            items = new Latent[order];
        }

        /** Shifts the list left and stores {@code m} last. */
        void push(Latent m) {
            System.arraycopy(items, 1, items, 0, items.length - 1);
            items[items.length - 1] = m;
        }

        /** {@return {@code model_outputs[-(back + 1)]}: 0 the newest} */
        Latent back(int back) {
            return items[items.length - 1 - back];
        }
    }
}
