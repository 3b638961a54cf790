package org.sampler4j.spark;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A Hadoop file system for the scheme {@code s4jtest://}: the local disk under a name that is not a local path, so that
 * a test's outputs can only get there through the Hadoop {@code FileSystem} API, as they would to {@code hdfs://}.
 * Registered with the Spark configuration key {@code spark.hadoop.fs.s4jtest.impl}.
 */
public class RenamedLocalFs extends RawLocalFileSystem {
    /** The scheme. */
    static final String SCHEME = "s4jtest";
    /** The Spark configuration key that registers this class for {@link #SCHEME}. */
    static final String KEY = "spark.hadoop.fs." + SCHEME + ".impl";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    /** {@return the URL of the local folder {@code dir} on this file system} */
    static String url(java.nio.file.Path dir) {
        return SCHEME + "://" + dir.toAbsolutePath().toUri().getPath().replaceAll("/$", "");
    }
}
