package org.sampler4j.host.model;

/**
 * A problem with a model or its inputs that the user can fix: a missing or corrupt file, a descriptor mistake, a
 * shape or dtype the runtime cannot use, a non-finite network output, an out-of-range class label. The message names
 * the problem and the fix; the CLI prints it without a stack trace and exits with code 2.
 */
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with its message. */
    public ModelException(String message) {
        super(message);
    }

    /** An error with its message and cause. */
    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
