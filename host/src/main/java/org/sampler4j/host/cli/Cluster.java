package org.sampler4j.host.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.sampler4j.host.cluster.ClusterEngine;

/** The {@code --spark MASTER} option of {@code run} and {@code eval}: finds the cluster engine and opens a session. */
final class Cluster {
    private Cluster() {}

    /** A session on {@code master}, or null when {@code master} is null (run on this machine). */
    static ClusterEngine.Session open(String master, PrintWriter err, boolean quiet) {
        if (master == null) return null;
        if (master.isBlank()) throw new Main.UserException("--spark needs a master: local[N], spark://HOST:PORT, yarn or k8s://URL");
        return engine().open(master, line -> {
            if (!quiet) {
                err.println(line);
                err.flush();
            }
        });
    }

    /** Checks, before anything runs, that the cluster engine can write a recipe's outputs to {@code url}. */
    static void checkOutput(String url) {
        engine().checkOutput(url);
    }

    private static ClusterEngine engine() {
        ClusterEngine engine = ClusterEngine.find();
        if (engine == null) {
            throw new Main.UserException("--spark needs the sampler4j-spark module on the classpath: run bin/sampler4j (it builds spark/target when --spark is given) "
                    + "or spark-submit --class org.sampler4j.spark.SparkMain");
        }
        return engine;
    }

    /** The plugins folder the command loaded (what executors load too), or null. */
    static Path plugins() {
        org.sampler4j.host.plugin.PluginHost h = PluginSetup.current();
        return h == null ? null : h.folder().dir();
    }
}
