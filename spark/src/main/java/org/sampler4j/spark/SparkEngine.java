package org.sampler4j.spark;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.sampler4j.host.cluster.ClusterEngine;

/**
 * The Apache Spark cluster engine ({@code run/eval --spark MASTER}), found by the host through {@link java.util.ServiceLoader}.
 * A session is one {@link SparkSession}: the Spark UI off, the driver bound to 127.0.0.1 for {@code local} masters,
 * DJL offline in every executor, for executors in other JVMs what they need from the driver ({@link ExecutorSetup}),
 * and up to 4 attempts per task (Spark's cluster default; a {@code local[N]} master becomes
 * {@code local[N,4]} so that a failed task is retried there too).
 */
public final class SparkEngine implements ClusterEngine {
    /** Attempts per task, as on a cluster. */
    static final int ATTEMPTS = 4;
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)])?");
    private static final Pattern CLUSTER = Pattern.compile("spark://|yarn|k8s://|local-cluster\\[");

    @Override
    public Session open(String master, Consumer<String> progress) {
        String m = master(master);
        SparkConf conf = new SparkConf().setAppName("sampler4j").setMaster(m);
        conf.setIfMissing("spark.ui.enabled", "false");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.sql.shuffle.partitions", "2");
        conf.setIfMissing("spark.task.maxFailures", Integer.toString(ATTEMPTS));
        // no traffic may leave the machine: DJL's engine start phones home unless told not to
        conf.setIfMissing("spark.executorEnv.DJL_OFFLINE", "true");
        conf.setIfMissing("spark.executorEnv.OPT_OUT_TRACKING", "true");
        if (m.startsWith("local")) { // local[N] and local-cluster[...]: this machine only
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        boolean inJvm = isLocal(m);
        if (!inJvm && CLUSTER.matcher(m).lookingAt()) { // anything else is Spark's to accept or refuse
            Failures.checkClusterManager(m);
            Failures.checkReachable(m);
            ExecutorSetup.configure(conf);
        }
        SparkLog.clear();
        SparkSession session;
        try {
            session = SparkSession.builder().config(conf).getOrCreate();
        } catch (Exception e) { // SparkException is checked, thrown through Scala without a declaration
            throw Failures.cannotStart(master, e);
        }
        if (session.sparkContext().isStopped()) throw Failures.stopped(session.sparkContext(), m);
        return new SparkCluster(session, inJvm, m, progress);
    }

    @Override
    public void checkOutput(String url) {
        HadoopOutput.check(url);
    }

    /** {@code local} and {@code local[N]} with Spark's cluster default of task attempts; other masters unchanged. */
    static String master(String master) {
        Matcher l = LOCAL.matcher(master.trim());
        if (!l.matches()) return master.trim();
        return "local[" + (l.group(1) == null ? "1" : l.group(1)) + "," + ATTEMPTS + "]";
    }

    /**
     * Whether executors run in this JVM ({@code local}, {@code local[N]}: they then share its plugins, models and files);
     * {@code local-cluster[...]} starts executor JVMs, as a cluster does.
     */
    static boolean isLocal(String master) {
        return master.equals("local") || master.startsWith("local[");
    }
}
