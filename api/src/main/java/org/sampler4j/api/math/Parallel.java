package org.sampler4j.api.math;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Splits element-wise work over {@code [0, n)} across the common fork-join pool when it is large enough to pay off.
 * Every index is computed by the same code whichever thread runs it, so results are bit-identical to the sequential
 * loop; only the elapsed time changes.
 *
 * <p>Tuning (system properties): {@code sampler4j.parallel.threshold} — the smallest range split (default 262,144
 * elements: a 16-channel 128x128 latent; below, one thread is as fast as the hand-off), {@code 0} or a negative value
 * turns splitting off.
 */
public final class Parallel {
    /** Ranges shorter than this run on the calling thread. */
    public static final int THRESHOLD = Integer.getInteger("sampler4j.parallel.threshold", 1 << 18);

    /** The calling thread works too, so two cores split even where the common pool has one worker. */
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private Parallel() {}

    /** The work on one sub-range. */
    @FunctionalInterface
    public interface RangeBody {
        /**
         * Processes indices {@code [from, to)}.
         *
         * @param from first index
         * @param to   one past the last index
         */
        void run(int from, int to);
    }

    /**
     * Whether a range of {@code n} elements is split.
     *
     * @param n the range length
     * @return true when {@link #forRange} would use several threads
     */
    public static boolean splits(int n) {
        return THRESHOLD > 0 && n >= THRESHOLD && CORES > 1 && !SEQUENTIAL.get();
    }

    private static final ThreadLocal<Boolean> SEQUENTIAL = ThreadLocal.withInitial(() -> false);

    /**
     * Runs {@code work} on the calling thread with splitting turned off (for comparing both paths bit for bit).
     *
     * @param work the work
     */
    public static void sequential(Runnable work) {
        boolean before = SEQUENTIAL.get();
        SEQUENTIAL.set(true);
        try {
            work.run();
        } finally {
            SEQUENTIAL.set(before);
        }
    }

    /**
     * Runs {@code body} over {@code [0, n)}: in one call below {@link #THRESHOLD} (or on one core), else in chunks of
     * at least {@code grain} indices on the common pool. Returns when all chunks are done.
     *
     * @param n     the range length
     * @param grain the smallest chunk worth a task (in indices)
     * @param body  the work
     */
    public static void forRange(int n, int grain, RangeBody body) {
        forRange(n, grain, n, body);
    }

    /**
     * As {@link #forRange(int, int, RangeBody)}, deciding on the split by {@code elements} (the work's size in
     * elements, when one index covers several).
     *
     * @param n        the range length
     * @param grain    the smallest chunk worth a task (in indices)
     * @param elements the amount of work, compared with {@link #THRESHOLD}
     * @param body     the work
     */
    public static void forRange(int n, int grain, int elements, RangeBody body) {
        if (n <= 0) return;
        int parts = CORES;
        if (!splits(elements) || n < 2 * Math.max(1, grain)) {
            body.run(0, n);
            return;
        }
        int chunk = Math.max(Math.max(1, grain), (n + 4 * parts - 1) / (4 * parts));
        ForkJoinPool.commonPool().invoke(new Chunk(body, 0, n, chunk));
    }

    private static final class Chunk extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient RangeBody body;
        private final int from;
        private final int to;
        private final int chunk;

        Chunk(RangeBody body, int from, int to, int chunk) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.chunk = chunk;
        }

        @Override
        protected void compute() {
            if (to - from <= chunk) {
                body.run(from, to);
                return;
            }
            int mid = from + (to - from) / 2;
            invokeAll(new Chunk(body, from, mid, chunk), new Chunk(body, mid, to, chunk));
        }
    }
}
