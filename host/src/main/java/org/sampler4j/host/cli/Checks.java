package org.sampler4j.host.cli;

/** Checks of option values shared by the commands; each failure is a {@link Main.UserException} naming the fix. */
final class Checks {
    private Checks() {}

    /** A guidance scale and rescale: finite, rescale in [0, 1], and not negative unless {@code allowNegative}. */
    static void guidance(double scale, double rescale, boolean allowNegative) {
        if (!Double.isFinite(scale)) throw new Main.UserException("--guidance must be a finite number, got " + scale);
        if (scale < 0 && !allowNegative) {
            throw new Main.UserException("--guidance " + fmt(scale) + " is negative, which steers away from the condition; give a scale >= 0 (1 = no guidance), "
                    + "or add --allow-negative-guidance if you mean it");
        }
        if (!(rescale >= 0 && rescale <= 1)) throw new Main.UserException("--guidance-rescale must be between 0 and 1, got " + fmt(rescale));
    }

    /** An integer option that must be at least {@code min}. */
    static void atLeast(String option, long value, long min) {
        if (value < min) throw new Main.UserException(option + " must be >= " + min + ", got " + value);
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
