package org.sampler4j.api.sampler;

/** Thrown by a {@link StepListener} to stop sampling. */
public class SamplingCancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message why sampling stopped */
    public SamplingCancelledException(String message) {
        super(message);
    }
}
