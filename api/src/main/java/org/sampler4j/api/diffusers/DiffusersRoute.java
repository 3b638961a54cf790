package org.sampler4j.api.diffusers;

import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.Denoiser;

/**
 * How a diffusers scheduler class maps onto a sampler4j sampler: which sampler with which options, in which frame
 * the class keeps its sample, what its network predicts, and how the denoised estimate is post-processed
 * ({@code clip_sample}, thresholding).
 *
 * @param samplerId the sampler
 * @param options its options
 * @param frame where the class's {@code sample} lives
 * @param prediction the {@code prediction_type}
 * @param sigmaData EDM's {@code sigma_data} (frame {@link Frame#EDM} only)
 * @param postprocess wraps the denoiser (identity if none)
 * @param samplerSigmas the sampler's sigma list for a {@code set_timesteps} result: the schedule's sigmas
 *     ({@link #SCHEDULE_SIGMAS}), or where the class steps elsewhere than from one listed timestep to the next, a list in
 *     the sampler's own terms (DDIM/PNDM: {@code (from, to)} pairs with the sampler option {@code paired})
 */
public record DiffusersRoute(String samplerId, Map<String, Object> options, Frame frame, Prediction prediction, double sigmaData,
                             UnaryOperator<Denoiser> postprocess, Function<DiffusersTimesteps, double[]> samplerSigmas) {
    /** The schedule's sigmas, one step from each listed timestep to the next. */
    public static final Function<DiffusersTimesteps, double[]> SCHEDULE_SIGMAS = ts -> ts.schedule().sigmas();
    /**
     * The class's own {@code sigmas} after {@code set_timesteps}, one step from each listed timestep to the next
     * (diffusers' {@code sigmas[i]} to {@code sigmas[i + 1]}), for classes with no sampler4j schedule (their sigmas
     * may rise: DPMSolverMultistepInverse).
     */
    public static final Function<DiffusersTimesteps, double[]> CLASS_SIGMAS = ts -> java.util.Arrays.copyOf(ts.sigmas(), ts.timesteps().length + 1);

    /** The coordinates a diffusers scheduler keeps its sample in. */
    public enum Frame {
        /** Variance exploding, {@code x = x0 + sigma n}; model input {@code x / sqrt(sigma^2 + 1)} (Euler family). */
        VE,
        /** Variance preserving, {@code x = alpha x0 + sigma_vp n}; model input as is (DDIM, DPM-Solver, UniPC ...). */
        VP,
        /** Rectified flow, {@code x = (1 - sigma) x0 + sigma n}; model input as is. */
        FLOW,
        /**
         * Rectified flow stepped as a VP process with {@code alpha = 1 - sigma} (the DPM-Solver family with
         * {@code use_flow_sigmas}): the sampler sees {@code sigma / (1 - sigma)} and {@code x / (1 - sigma)}; model
         * input as is.
         */
        FLOW_VP,
        /** EDM: VE with preconditioning by {@code sigma_data}. */
        EDM
    }

    /**
     * Copies the options (the route is immutable).
     *
     * @param samplerId the sampler that steps
     * @param options its options (copied)
     * @param frame the frame it steps in
     * @param prediction what the network predicts
     * @param sigmaData EDM's {@code sigma_data}
     * @param postprocess the denoiser's wrapper
     * @param samplerSigmas the sigmas the sampler steps along, from the class's timesteps
     */
    public DiffusersRoute {
        options = Map.copyOf(options);
    }

    /**
     * A route that steps along the schedule's sigmas ({@link #SCHEDULE_SIGMAS}).
     *
     * @param samplerId the sampler4j sampler that steps
     * @param options its options
     * @param frame the frame the sampler steps in
     * @param prediction what the network predicts
     * @param sigmaData EDM's {@code sigma_data} (ignored by other frames)
     * @param postprocess what wraps the denoiser (clipping, thresholding), or the identity
     */
    public DiffusersRoute(String samplerId, Map<String, Object> options, Frame frame, Prediction prediction, double sigmaData,
                          UnaryOperator<Denoiser> postprocess) {
        this(samplerId, options, frame, prediction, sigmaData, postprocess, SCHEDULE_SIGMAS);
    }
}
