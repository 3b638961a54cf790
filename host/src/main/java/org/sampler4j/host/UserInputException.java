package org.sampler4j.host;

/**
 * A mistake in what the user gave (an option value, a file, an output path) that the user can fix. The message names
 * the problem and the fix; the command line prints it as one line without a stack trace and exits with code 2.
 */
public class UserInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with its message (problem and fix). */
    public UserInputException(String message) {
        super(message);
    }
}
