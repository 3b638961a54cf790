package org.sampler4j.host.recipe;

/** Short number formatting for messages and labels: {@code 4} rather than {@code 4.0}. */
final class Compact {
    private Compact() {}

    static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
