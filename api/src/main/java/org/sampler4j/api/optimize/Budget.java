package org.sampler4j.api.optimize;

/**
 * When a search must stop: after {@code maxEvaluations} objective evaluations or {@code seconds} of wall time,
 * whichever comes first, and what it reports while it runs.
 *
 * @param maxEvaluations objective evaluations allowed ({@code >= 1})
 * @param seconds wall-time allowed ({@code > 0}; {@link Double#POSITIVE_INFINITY} for none). A time limit makes the
 *        result depend on the machine's speed; an evaluation limit alone keeps it deterministic
 * @param progress receives {@code (evaluations, best objective)} after every evaluation that improved the best
 */
public record Budget(int maxEvaluations, double seconds, Progress progress) {
    /** Progress of a search. */
    @FunctionalInterface
    public interface Progress {
        /**
         * Called with the evaluations so far and the best objective value so far.
         *
         * @param evaluations objective evaluations so far
         * @param best the lowest objective value so far
         */
        void update(int evaluations, double best);

        /** Reports nothing. */
        Progress NONE = (e, b) -> { };
    }

    /**
     * Checks the limits; a {@code null} progress reports nothing.
     *
     * @param maxEvaluations at least 1
     * @param seconds positive (infinity for no time limit)
     * @param progress the progress callback, or {@code null} for none
     */
    public Budget {
        if (maxEvaluations < 1) throw new IllegalArgumentException("maxEvaluations must be >= 1, got " + maxEvaluations);
        if (!(seconds > 0)) throw new IllegalArgumentException("seconds must be > 0, got " + seconds);
        if (progress == null) progress = Progress.NONE;
    }

    /**
     * A clock started now against this budget.
     *
     * @return a clock whose time starts now
     */
    public Clock start() {
        return new Clock(this, System.nanoTime());
    }

    /** Counts evaluations and time against a budget. */
    public static final class Clock {
        private final Budget budget;
        private final long t0;
        private int evaluations;
        private double best = Double.POSITIVE_INFINITY;

        Clock(Budget budget, long t0) {
            this.budget = budget;
            this.t0 = t0;
        }

        /** {@return whether the evaluations or the time allowed are spent} */
        public boolean exhausted() {
            return evaluations >= budget.maxEvaluations() || (System.nanoTime() - t0) / 1e9 >= budget.seconds();
        }

        /**
         * Records one evaluation with value {@code f}.
         *
         * @param f the objective value just computed
         */
        public void count(double f) {
            evaluations++;
            if (f < best) best = f;
            budget.progress().update(evaluations, best);
        }

        /** {@return the evaluations so far} */
        public int evaluations() {
            return evaluations;
        }

        /** {@return the seconds since the start} */
        public double seconds() {
            return (System.nanoTime() - t0) / 1e9;
        }
    }
}
