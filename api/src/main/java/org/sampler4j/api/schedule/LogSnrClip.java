package org.sampler4j.api.schedule;

/**
 * Leaves the noisiest training timesteps out of the spacing: those whose half log-SNR
 * {@code lambda_t = log(alpha_t) - log(sigma_t)} lies below a threshold (diffusers' {@code lambda_min_clipped} of
 * DPM-Solver and SA-Solver, "critical for the cosine schedule"). The spacing then runs over the training timesteps
 * {@code 0 .. rangeEnd-1} only.
 */
public final class LogSnrClip {
    private LogSnrClip() {}

    /**
     * The number of training timesteps left after clipping: {@code N} minus the number of timesteps whose
     * {@code lambda_t} is below {@code lambdaMin}, with {@code lambda_t} in float32 as diffusers computes it
     * ({@code searchsorted(flip(lambda_t), lambda_min_clipped)} in {@code set_timesteps}).
     *
     * @param model the discrete noise model
     * @param lambdaMin the threshold; {@code -infinity} keeps every timestep
     * @return the number of timesteps kept, {@code 0..N}
     */
    public static int rangeEnd(DiscreteNoiseModel model, double lambdaMin) {
        if (Double.isNaN(lambdaMin)) throw new ScheduleException("lambda_min_clipped is NaN; give a number or -inf to keep every timestep");
        float threshold = (float) lambdaMin;
        if (threshold == Float.NEGATIVE_INFINITY) return model.numTrainTimesteps(); // nothing lies below (the default)
        float[] ac = model.alphasCumprod();
        int below = 0;
        for (float a : ac) {
            float alpha = (float) Math.sqrt(a);
            float sigma = (float) Math.sqrt(1f - a);
            float lambda = (float) Math.log(alpha) - (float) Math.log(sigma);
            if (lambda < threshold) below++;
        }
        return ac.length - below;
    }

    /**
     * Spaced timesteps over the training timesteps {@code 0 .. rangeEnd-1} (descending): {@code linspace} ends at
     * {@code rangeEnd - 1}, {@code leading} steps by {@code rangeEnd // points}, {@code trailing} starts at
     * {@code rangeEnd - 1} and keeps its step {@code N/n} (diffusers {@code DPMSolverMultistepScheduler.set_timesteps}).
     *
     * @param spacing {@code leading}, {@code linspace} or {@code trailing}
     * @param n the number of steps, at least 1
     * @param numTrain the model's {@code N}
     * @param rangeEnd from {@link #rangeEnd}; {@code N} gives the ordinary spacing
     * @param offset {@code steps_offset}
     * @param conv the convention (extra point, linspace rounding)
     * @return {@code n} timesteps (one more with the convention's extra point), descending
     */
    public static double[] spacedTimesteps(Spacing spacing, int n, int numTrain, int rangeEnd, int offset, Convention conv) {
        if (n < 1) throw new ScheduleException("steps must be >= 1, got " + n);
        if (rangeEnd < 1 || rangeEnd > numTrain) {
            throw new ScheduleException("the clipped range keeps " + rangeEnd + " of " + numTrain + " training timesteps; lower lambda_min_clipped");
        }
        return ScheduleResolver.discreteSpacing(spacing, n, numTrain, rangeEnd, offset, conv);
    }
}
