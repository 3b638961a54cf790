package org.sampler4j.api.schedule;

/**
 * An invalid schedule, noise model or DSL text. The message always names the problem and how to fix it
 * (for example {@code steps must be >= 1, got 0}).
 */
public class ScheduleException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and how to fix it */
    public ScheduleException(String message) {
        super(message);
    }
}
