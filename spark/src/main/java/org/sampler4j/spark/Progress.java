package org.sampler4j.spark;

import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/** The driver's progress line for one Spark job: tasks done of total, images made, images per second, time left. */
final class Progress extends SparkListener {
    private final String unit;
    private final int[] images;
    private final Consumer<String> out;
    private final long t0 = System.nanoTime();
    private final boolean[] done;
    private int tasks;
    private long made;
    private long total;
    private long last;
    private boolean finished;

    /**
     * @param unit what a task is ({@code cells}, {@code chunks})
     * @param images the images of each task, by task index
     */
    Progress(String unit, int[] images, Consumer<String> out) {
        this.unit = unit;
        this.images = images;
        this.out = out;
        this.done = new boolean[images.length];
        for (int n : images) total += n;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        int i = end.taskInfo().index();
        if (finished || !end.taskInfo().successful() || i < 0 || i >= done.length || done[i]) return;
        done[i] = true;
        tasks++;
        made += images[i];
        long now = System.nanoTime();
        if (tasks < done.length && now - last < 1_000_000_000L) return;
        last = now;
        if (tasks == done.length) finished = true;
        out.accept(line((now - t0) / 1e9));
    }

    /**
     * The last line, once the job has returned (Spark delivers listener events asynchronously: the last task's may come
     * after the job's result).
     */
    synchronized void finish() {
        if (finished) return;
        finished = true;
        tasks = done.length;
        made = total;
        out.accept(line((System.nanoTime() - t0) / 1e9));
    }

    synchronized String line(double seconds) {
        double rate = made / Math.max(seconds, 1e-9);
        long left = rate > 0 ? Math.round((total - made) / rate) : -1;
        return String.format(Locale.ROOT, "spark: %d/%d %s done, %d/%d images, %.1f images/s, ETA %s", tasks, done.length, unit, made, total, rate,
                left < 0 ? "?" : String.format(Locale.ROOT, "%d:%02d:%02d", left / 3600, left / 60 % 60, left % 60));
    }
}
