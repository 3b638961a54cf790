package org.sampler4j.host.cli;

import java.io.PrintWriter;
import org.sampler4j.host.image.Pngs;

/**
 * Ctrl-C (SIGINT, and SIGTERM): the JVM runs its shutdown hooks and exits with 130 (143). The hook finishes a
 * half-drawn progress line, removes the temporary file of a PNG being written (files are written to a temporary file
 * and renamed, so no output is ever partial) and says in one line what was interrupted.
 */
final class Interruption {
    /** What the command is doing now, for the message ("sampling euler trailing(10)"); null when nothing long runs. */
    static volatile String activity;
    private static volatile boolean finished;
    private static volatile boolean interrupted;

    private Interruption() {}

    /** Installs the hook for the command line's process (only {@link Main#main}: tests run commands in-process). */
    static void install(PrintWriter err) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (finished) return;
            interrupted = true;
            ProgressBar.endLine(err);
            int removed = Pngs.removePartial();
            String doing = activity;
            err.println("sampler4j: interrupted" + (doing != null ? " while " + doing : "") + "; no partial file was written"
                    + (removed > 0 ? " (the unfinished one was removed)" : "") + ": every file reported as written is complete");
            err.flush();
        }, "sampler4j-interrupt"));
    }

    /**
     * Whether the process is shutting down on Ctrl-C: a command that fails because of it (a cluster session stopped by
     * its own shutdown hook) adds no error line to the hook's one.
     */
    static boolean interrupted() {
        return interrupted;
    }

    /** The command returned: the hook stays silent on the normal exit. */
    static void finished() {
        finished = true;
    }
}
