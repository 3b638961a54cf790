package org.sampler4j.host.model;

import ai.djl.engine.Engine;

/**
 * The one place that starts DJL's PyTorch engine. It forces the offline flags first ({@code ai.djl.offline} and
 * {@code OPT_OUT_TRACKING} as system properties, which DJL reads like the environment variables), so that no code path
 * can start the engine with network access or telemetry: the bundled libtorch ({@code pytorch-native-cpu}) is unpacked
 * from the classpath into DJL's cache and nothing is downloaded.
 *
 * <p>Intra-op threads come from {@code -Dai.djl.pytorch.num_threads} (read once, when the engine starts).
 */
public final class DjlRuntime {
    private static volatile Engine engine;
    private static volatile double startSeconds = Double.NaN;

    private DjlRuntime() {}

    /** Sets the offline flags (idempotent; called before any DJL class that may start an engine). */
    public static void forceOffline() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.clearProperty("PYTORCH_VERSION"); // a different value than the bundled one forces a download
    }

    /** The PyTorch engine, started on first use (offline). */
    public static Engine engine() {
        Engine e = engine;
        if (e != null) return e;
        synchronized (DjlRuntime.class) {
            if (engine == null) {
                forceOffline();
                long t0 = System.nanoTime();
                try {
                    engine = Engine.getEngine("PyTorch");
                } catch (RuntimeException | UnsatisfiedLinkError err) {
                    throw new ModelException("cannot start DJL's PyTorch engine offline: " + err.getMessage()
                            + " (the bundled libtorch ai.djl.pytorch:pytorch-native-cpu:linux-x86_64 must be on the classpath; run 'mvn -B package')", err);
                }
                startSeconds = (System.nanoTime() - t0) / 1e9;
            }
            return engine;
        }
    }

    /**
     * Starts the engine on a background thread now, so that loading libtorch overlaps the caller's own start-up
     * work (reading recipes, loading plugins); {@link #engine()} then waits for it. A failure is left for
     * {@link #engine()} to report. Call {@link #awaitPreload()} before the process may exit.
     *
     * @return the loading thread, or null when the engine is already there
     */
    public static Thread preload() {
        if (engine != null) return null;
        Thread t = new Thread(() -> {
            try {
                engine();
            } catch (RuntimeException | LinkageError e) {
                // engine() reports it to whoever needs the engine
            }
        }, "djl-engine-preload");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Waits for a {@link #preload()} thread: the JVM must not exit while libtorch is being loaded.
     *
     * @param t the thread {@link #preload()} returned, or null
     */
    public static void awaitPreload(Thread t) {
        if (t == null) return;
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Seconds the engine took to start, or NaN if it has not started in this process. */
    public static double engineStartSeconds() {
        return startSeconds;
    }

    /** Whether the engine has started in this process. */
    public static boolean started() {
        return engine != null;
    }
}
