package org.sampler4j.host.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.sampler4j.host.eval.Classifier;
import org.sampler4j.host.eval.Evaluation;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.recipe.LoadedRecipe;
import org.sampler4j.host.recipe.RecipeRunner;

/**
 * A cluster engine that runs recipe sweeps and evaluations across machines ({@code run/eval --spark MASTER}). The
 * host only knows this interface; the {@code sampler4j-spark} module provides the Apache Spark engine through
 * {@link ServiceLoader}, so the core distribution carries no cluster libraries. Results are the same as on one machine:
 * the same PNG bytes, the same index (timings aside), the same evaluation numbers.
 */
public interface ClusterEngine {
    /**
     * Connects to a cluster.
     *
     * @param master where to run: {@code local[N]}, {@code spark://HOST:PORT}, {@code yarn}, {@code k8s://...}
     * @param progress receives the driver's progress lines (cells done, images/s, ETA)
     */
    Session open(String master, Consumer<String> progress);

    /**
     * Checks, before a session opens and before anything is written, that a recipe's outputs can go to {@code url}, a
     * Hadoop file-system URL ({@code hdfs://}, {@code s3a://}, {@code file://}): the scheme has a file system on the
     * classpath and the nearest existing folder of {@code url} can be written. Nothing is created. Engines that write
     * only local paths refuse every URL (the default).
     *
     * @param url the recipe's output folder
     * @throws RuntimeException a user error naming the problem and the fix
     */
    default void checkOutput(String url) {
        throw new UnsupportedOperationException("this cluster engine writes local paths only, not " + url + ": give a local folder or a mounted path");
    }

    /** A connection to a cluster; close it to release the cluster's resources. */
    interface Session extends AutoCloseable {
        /**
         * Runs a checked recipe with one task per cell: PNGs written by the tasks, grid and index by the driver (see
         * {@link RecipeRunner#run}).
         *
         * @param outRoot replaces the recipe's output folder by {@code outRoot/NAME} when not null (a local path)
         * @param outUrl when not null, the recipe's output folder is this Hadoop file-system URL ({@link #checkOutput}):
         *     the tasks write the PNGs there, the driver the grid and the index; the result's paths are then local
         *     staging copies of the driver's files, named as in the URL folder
         * @param plugins the plugins folder the executors load, or null for none
         * @param resume skip the cells whose outputs a previous run completed
         */
        RecipeRunner.Result runRecipe(LoadedRecipe lr, Path outRoot, String outUrl, boolean noGrid, boolean resume, Path plugins, Consumer<String> log)
                throws java.io.IOException;

        /**
         * Runs an evaluation with one task per {@link Evaluation.Chunk}; the driver reduces each case's partials in
         * item order ({@link Evaluation#row}), so the numbers equal {@link Evaluation#run}'s.
         *
         * @param model the model, open on the driver (the executors open their own)
         * @param classifier the classifier, open on the driver, or null
         * @param plugins the plugins folder the executors load, or null for none
         * @param progress one line per finished case
         */
        Evaluation.Report evaluate(DiffusionModel model, Classifier classifier, List<Evaluation.Case> cases, Evaluation.Settings s, Path plugins,
                                   Consumer<String> progress);

        @Override
        void close();
    }

    /** The engine on the classpath, or null when none is (the core distribution alone). */
    static ClusterEngine find() {
        return ServiceLoader.load(ClusterEngine.class).findFirst().orElse(null);
    }
}
