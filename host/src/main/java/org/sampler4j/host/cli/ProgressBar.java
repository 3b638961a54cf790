package org.sampler4j.host.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.sampler4j.api.sampler.StepListener;

/**
 * A one-line ANSI progress bar with steps/s and ETA, redrawn in place on a terminal ({@code \r} and erase-line). The
 * run command only uses it when stderr is a terminal ({@code System.console() != null}) and neither {@code --quiet}
 * nor {@code --json} is given; otherwise {@link #NONE} keeps output clean for scripts and logs.
 */
final class ProgressBar implements StepListener {
    /** No progress output. */
    static final StepListener NONE = StepListener.NONE;
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String label;
    private final long start = System.nanoTime();
    private long lastDraw;

    /** The stream a bar is drawn on, while a line is half drawn (for {@link #endLine}); guarded by {@link #LOCK}. */
    private static PrintWriter drawnOn;
    /** Set when the process is being interrupted: no bar is drawn any more. */
    private static boolean ended;
    private static final Object LOCK = new Object();

    ProgressBar(PrintWriter out, String label) {
        this.out = out;
        this.label = label;
    }

    /** Ends a half-drawn bar line on {@code err} with a line break, so that what follows starts on its own line. */
    static void endLine(PrintWriter err) {
        synchronized (LOCK) {
            ended = true;
            if (drawnOn != null) {
                drawnOn.println();
                drawnOn.flush();
            }
            drawnOn = null;
        }
    }

    @Override
    public void onStep(Step s) {
        long now = System.nanoTime();
        boolean last = s.index() + 1 == s.steps();
        if (!last && now - lastDraw < 50_000_000L) return; // at most 20 redraws a second
        lastDraw = now;
        synchronized (LOCK) {
            if (ended) return;
            out.print("\r\033[2K" + line(s.index() + 1, s.steps(), (now - start) / 1e9));
            drawnOn = out;
            if (last) {
                out.print("\r\033[2K");
                drawnOn = null;
            }
            out.flush();
        }
    }

    /** The bar text after {@code done} of {@code total} steps in {@code seconds}. */
    String line(int done, int total, double seconds) {
        int filled = (int) Math.round((double) done / total * WIDTH);
        double rate = seconds > 0 ? done / seconds : 0;
        double eta = rate > 0 ? (total - done) / rate : 0;
        return String.format(Locale.ROOT, "%s [%s%s] %d/%d  %.1f steps/s  ETA %s", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
                done, total, rate, eta < 60 ? String.format(Locale.ROOT, "%.1fs", eta) : String.format(Locale.ROOT, "%dm%02ds", (int) eta / 60, (int) eta % 60));
    }
}
