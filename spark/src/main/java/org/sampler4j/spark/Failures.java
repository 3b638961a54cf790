package org.sampler4j.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkContext;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.host.model.ModelException;
import org.sampler4j.host.recipe.RecipeException;

/**
 * A cluster's failures as one line that names the problem and the fix: an unreachable master, a master that removed the
 * application (its executors could not start), executors that cannot run the tasks. Spark's own reason comes from the
 * lines {@link SparkLog} kept.
 */
final class Failures {
    /** How long the driver tries to open a connection to a {@code spark://} master before it gives up. */
    static final int CONNECT_MS = 5000;

    private Failures() {}

    /**
     * Fails at once when no master of a {@code spark://HOST:PORT[,HOST:PORT]} URL accepts a connection (Spark itself
     * would retry for a minute and then stop the application without a word).
     */
    static void checkReachable(String master) {
        if (!master.startsWith("spark://")) return;
        String problem = null;
        for (String hp : master.substring("spark://".length()).split(",")) {
            int colon = hp.lastIndexOf(':');
            String host = colon < 0 ? hp : hp.substring(0, colon);
            int port;
            try {
                port = colon < 0 ? 7077 : Integer.parseInt(hp.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new ModelException("bad Spark master URL '" + master + "': give spark://HOST:PORT (the master's web UI shows it)");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), CONNECT_MS);
                return;
            } catch (IOException e) {
                problem = host + ":" + port + " (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")";
            }
        }
        throw new ModelException("cannot reach the Spark master " + master + ": nothing answers at " + problem
                + "; start the master ($SPARK_HOME/sbin/start-master.sh) or give the spark://HOST:PORT URL its web UI shows");
    }

    /**
     * Fails at once for {@code yarn} and {@code k8s://} masters when this Spark has no cluster manager for them (the
     * launcher's Spark is spark-sql from Maven Central; a Spark distribution's spark-submit has both).
     */
    static void checkClusterManager(String master) {
        String kind = master.startsWith("yarn") ? "YARN" : master.startsWith("k8s://") ? "Kubernetes" : null;
        if (kind == null) return;
        String manager = kind.equals("YARN") ? "org.apache.spark.deploy.yarn.YarnClusterManager" : "org.apache.spark.scheduler.cluster.k8s.KubernetesClusterManager";
        try {
            Class.forName(manager, false, Failures.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ModelException("the Spark that bin/sampler4j runs (spark-sql from Maven Central) has no " + kind
                    + " cluster manager: submit the job with your Spark distribution's spark-submit --master " + master
                    + " --class org.sampler4j.spark.SparkMain (see spark/README.md)");
        }
    }

    /** {@code open}'s failure: a Spark that cannot start. */
    static ModelException cannotStart(String master, Exception e) {
        String m = String.valueOf(e.getMessage());
        return new ModelException("cannot start Spark on master '" + master + "': " + firstLine(m)
                + "; give local[N], spark://HOST:PORT, yarn or k8s://URL (and check that the cluster is reachable)");
    }

    /**
     * A failure of a job or of the session, as the command reports it: a task's user error as one machine reports it;
     * the application stopped by the cluster, or executors that cannot run the tasks, as one line with Spark's reason;
     * anything else as it came (a bug).
     */
    static RuntimeException of(Exception e, SparkContext sc, String master) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ModelException || t instanceof ScheduleException || t instanceof RecipeException) return (RuntimeException) t;
        }
        String m = String.valueOf(e.getMessage());
        // the master's kill aborts the running job before the context stops
        if (sc.isStopped() || m.contains("Master removed our application") || m.contains("SparkContext was shut down")) return stopped(sc, master);
        for (String env : List.of("ClassNotFoundException", "NoClassDefFoundError", "UnsatisfiedLinkError", "OutOfMemoryError", "ExecutorLostFailure")) {
            if (m.contains(env)) {
                return new ModelException("the tasks failed on the cluster's executors: " + firstLine(m) + "; "
                        + (env.equals("OutOfMemoryError") || env.equals("ExecutorLostFailure")
                                ? "give the executors more memory (--conf spark.executor.memory=4g, or -Dspark.executor.memory=4g with bin/sampler4j) or fewer cores each"
                                : "every worker needs Java 17 and Spark 4.2 for Scala 2.13; sampler4j's jars come with the job (spark.jars)"));
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }

    /** Executors that exit as soon as they start (a standalone master relaunches them for ever): why, and what to do. */
    static ModelException executorsExit(SparkContext sc, String master, String last) {
        return new ModelException("the executors of " + master + " exit as soon as they start (" + SparkLog.FAILED_IN_A_ROW + " in a row; last: " + last + ")"
                + workerHint(sc, last));
    }

    private static String workerHint(SparkContext sc, String report) {
        String hint = report != null && report.contains("Cannot find any build directories")
                ? "; a worker started without Spark's scripts needs SPARK_SCALA_VERSION=2.13 in its environment" : "";
        return hint + ": each worker's work folder (SPARK_HOME/work/" + sc.applicationId() + "/N/stderr) and log say why; every worker needs Java 17 and Spark 4.2 for Scala 2.13";
    }

    /** The application was stopped under the command: why, from Spark's kept lines, and what to do. */
    static ModelException stopped(SparkContext sc, String master) {
        List<String> lines = SparkLog.lines();
        String executor = last(lines, " is now FAILED", " is now EXITED", " is now KILLED");
        String killed = last(lines, "Application has been killed");
        if (killed != null && killed.toLowerCase(Locale.ROOT).contains("unresponsive")) {
            return new ModelException("the Spark master " + master + " did not accept the application (" + after(killed, "Reason: ")
                    + "): check that it runs Spark 4.2 for Scala 2.13 and that the URL is the spark:// URL its web UI shows");
        }
        if (killed != null || executor != null) {
            return new ModelException("the Spark master " + master + " removed the application " + sc.applicationId() + " because its executors could not start"
                    + (executor == null ? "" : " (last: " + after(executor, "Executor updated: ") + ")") + workerHint(sc, executor));
        }
        String error = last(lines, "ERROR ");
        return new ModelException("the Spark application " + sc.applicationId() + " on " + master + " stopped" + (error == null ? "" : " (" + error + ")")
                + ": check the master's web UI and the workers' logs");
    }

    private static String last(List<String> lines, String... any) {
        for (int i = lines.size() - 1; i >= 0; i--) for (String a : any) if (lines.get(i).contains(a)) return lines.get(i);
        return null;
    }

    private static String after(String line, String marker) {
        int i = line.indexOf(marker);
        return i < 0 ? line : line.substring(i + marker.length());
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
