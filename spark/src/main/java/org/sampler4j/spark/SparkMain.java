package org.sampler4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.sampler4j.host.cli.Main;

/**
 * The {@code spark-submit} entry point: the same arguments as {@code sampler4j} ({@code run RECIPE...},
 * {@code eval ...}); without {@code --spark}, {@code run} and {@code eval} use spark-submit's master.
 *
 * <pre>spark-submit --class org.sampler4j.spark.SparkMain --master spark://HOST:7077 ... sampler4j-spark.jar eval --model /shared/models/digits ...</pre>
 */
public final class SparkMain {
    private SparkMain() {}

    /** Runs the CLI on spark-submit's master. */
    public static void main(String[] args) {
        Main.main(withMaster(args, new SparkConf().get("spark.master", null)));
    }

    /** {@code args} with {@code --spark MASTER} added to a {@code run} or {@code eval} that gives none. */
    static String[] withMaster(String[] args, String master) {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        if (master == null || a.stream().anyMatch(s -> s.equals("--spark") || s.startsWith("--spark="))) return args;
        if (a.stream().noneMatch(s -> s.equals("run") || s.equals("eval"))) return args;
        int end = a.indexOf("--");
        if (end < 0) end = a.size();
        a.add(end, "--spark=" + master);
        return a.toArray(String[]::new);
    }
}
