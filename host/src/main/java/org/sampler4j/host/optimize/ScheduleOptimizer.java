package org.sampler4j.host.optimize;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sampler4j.api.noise.SeededNoise;
import org.sampler4j.api.optimize.Budget;
import org.sampler4j.api.optimize.CoordinateSearch;
import org.sampler4j.api.optimize.GitsPath;
import org.sampler4j.api.optimize.LogSigmaPositions;
import org.sampler4j.api.optimize.NelderMead;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.schedule.NoiseModel;
import org.sampler4j.api.schedule.Remaps;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.host.model.ModelException;

/**
 * Fits an n-step schedule to a model and a sampler ({@link Target}), the API behind {@code sampler4j optimize}. The
 * first sigma and the final sigma of the target's template are kept; the {@code n - 1} sigmas in between are fitted,
 * within {@code [sigma_min, sigma_max)} of the noise model. Four methods, each minimising its own objective:
 * <ul>
 *   <li>{@link Method#DIRECT}: the RMS error of the sampler's final samples against a fine reference solve of the same
 *       starting noise (on the analytic model {@code gmm}: the exact ODE solution {@code eval} measures against), over
 *       the log-sigma positions ({@link LogSigmaPositions}) by Nelder-Mead ({@link NelderMead}), started from the best of
 *       the template, Karras and log-uniform spacing;</li>
 *   <li>{@link Method#FRECHET}: the same search over the same positions, minimising a sample-quality {@link Metric} of
 *       the final samples instead of their distance to the ODE solution: with {@code sampler4j optimize --method
 *       frechet}, the Fréchet distance between the evaluation classifier's features of the samples and of its held-out
 *       real images (Heusel et al. 2017's FID with the model's own classifier, {@link FrechetMetric}), which is what
 *       {@code eval} reports. At few steps the two differ: the exact ODE solution is not the schedule with the best
 *       Fréchet distance, because where the discretisation error goes matters as much as how large it is;</li>
 *   <li>{@link Method#AYS}: Align Your Steps' KL-divergence upper bound (Sabour, Fidler, Kreis 2024, eq. 9 in EDM form)
 *       between the true and the discretised reverse SDE, {@code sum_i E int_{t_{i+1}}^{t_i} t^-3 |D(x0 + t e, t) -
 *       D(x0 + t_i e, t_i)|^2 dt}, with {@code x0} samples of the model itself (the reference solve), estimated by
 *       4-point Gauss-Legendre quadrature in {@code log t}, minimised by coordinate search with subdivision
 *       ({@link CoordinateSearch}, their Algorithm 1); the last interval ends at sigma_min;</li>
 *   <li>{@link Method#GITS}: GITS (Chen et al. 2024): the summed squared error of single sampler steps between the
 *       points of a fine log-uniform grid, each measured from the teacher trajectory's state (the reference sampler
 *       with sub-steps) to the teacher's state at the step's end, minimised exactly by dynamic programming
 *       ({@link GitsPath}). For a multistep sampler a single step is its first-order start.</li>
 * </ul>
 * Every method also reports the {@code direct} error of the schedule it started from and of the one it found.
 * Deterministic for a target (its seeds) and request, as long as the evaluation limit, not the time budget, ends the search.
 */
public final class ScheduleOptimizer {
    private ScheduleOptimizer() {}

    /** The fitting methods. */
    public enum Method {
        /** Align Your Steps' KL upper bound, coordinate search. */
        AYS("ays", "Align Your Steps (Sabour, Fidler, Kreis 2024), Algorithm 1",
                "KL-divergence upper bound between the true and the discretised reverse SDE (x0 from the model's own samples)"),
        /** GITS' dynamic programme. */
        GITS("gits", "GITS (Chen, Zhou, Zhang, Liang, Shan, Bu 2024), dynamic programming over a fine grid",
                "summed squared error of single sampler steps against a fine teacher trajectory"),
        /** Final-sample error, Nelder-Mead. */
        DIRECT("direct", "direct search (Nelder-Mead 1965) over log-sigma positions with fixed endpoints",
                "RMS error of the final samples against a fine reference solve of the same noise (gmm: the exact ODE solution)"),
        /** A sample-quality metric (the Fréchet distance of classifier features), Nelder-Mead. */
        FRECHET("frechet", "direct search (Nelder-Mead 1965) over log-sigma positions with fixed endpoints; Fréchet distance of Heusel et al. 2017",
                "Frechet distance between the evaluation classifier's features of the final samples and of its held-out real images");

        private final String id;
        private final String reference;
        private final String minimises;

        Method(String id, String reference, String minimises) {
            this.id = id;
            this.reference = reference;
            this.minimises = minimises;
        }

        /** The CLI name. */
        public String id() {
            return id;
        }

        /** The paper and algorithm. */
        public String reference() {
            return reference;
        }

        /** What the method minimises. */
        public String minimises() {
            return minimises;
        }

        /** Parses {@code ays}, {@code gits}, {@code direct} or {@code frechet}. */
        public static Method parse(String s) {
            for (Method m : values()) if (m.id.equals(s.toLowerCase(Locale.ROOT))) return m;
            throw new ModelException(org.sampler4j.api.schedule.Names.unknown("optimize method", s, List.of("ays", "gits", "direct", "frechet")));
        }
    }

    /** A sample-quality measure to minimise ({@link Method#FRECHET}): lower is better, deterministic for given samples. */
    @FunctionalInterface
    public interface Metric {
        /**
         * Measures a batch of final samples.
         *
         * @param samples the sampler's final samples for the target's batch (its seeds, in order)
         * @return the value to minimise
         */
        double of(Latent samples);
    }

    /**
     * What to fit.
     *
     * @param method the method
     * @param steps the step count n ({@code >= 2})
     * @param maxEvaluations objective evaluations allowed (direct: sampler runs; ays: candidate positions; gits: ignored, the grid fixes the work)
     * @param seconds wall-time budget
     * @param candidates ays: candidate positions per coordinate move
     * @param gridPoints gits: points of the fine grid (positive sigmas)
     */
    public record Request(Method method, int steps, int maxEvaluations, double seconds, int candidates, int gridPoints) {
        public Request {
            if (steps < 2) throw new ModelException("steps must be >= 2 to have a sigma to fit (1 step is sigma_max then the final sigma), got " + steps);
            if (maxEvaluations < 1) throw new ModelException("evaluations must be >= 1, got " + maxEvaluations);
            if (!(seconds > 0)) throw new ModelException("the time budget must be > 0 seconds, got " + seconds);
            if (candidates < 2) throw new ModelException("candidates must be >= 2, got " + candidates);
            if (gridPoints < steps) throw new ModelException("the GITS grid needs at least as many points as steps (" + steps + "), got " + gridPoints);
        }

        /** Defaults: 2000 evaluations, 600 seconds, 12 candidates, a grid of {@code max(40, 6 n)} points. */
        public static Request of(Method method, int steps) {
            return new Request(method, steps, 2000, 600, 12, Math.max(40, 6 * steps));
        }
    }

    /**
     * A fitted schedule.
     *
     * @param method the method
     * @param start the schedule the method started from (the template at n steps)
     * @param sigmas the fitted schedule, {@code n + 1} sigmas
     * @param timesteps the timesteps of the fitted sigmas under the noise model
     * @param noiseModel the noise model
     * @param objectiveBefore the method's objective at {@code start} ({@code null} where it does not apply)
     * @param objectiveAfter the method's objective at {@code sigmas}
     * @param errorBefore the direct (final-sample) error at {@code start}
     * @param errorAfter the direct error at {@code sigmas}
     * @param evaluations objective evaluations used
     * @param seconds wall time
     */
    public record Result(Method method, double[] start, double[] sigmas, double[] timesteps, NoiseModel noiseModel, Double objectiveBefore, double objectiveAfter,
                         double errorBefore, double errorAfter, int evaluations, double seconds) {}

    /** Fits a schedule by a method that needs no {@link Metric}; {@code progress} gets {@code (evaluations, best objective)}. */
    public static Result run(Target t, Request r, Budget.Progress progress) {
        return run(t, r, null, progress);
    }

    /**
     * Fits a schedule.
     *
     * @param t what to fit
     * @param r the method and its limits
     * @param metric what {@link Method#FRECHET} minimises (null for the other methods)
     * @param progress gets {@code (evaluations, best objective)}
     * @return the fitted schedule
     */
    public static Result run(Target t, Request r, Metric metric, Budget.Progress progress) {
        if (r.method() == Method.FRECHET && metric == null) {
            throw new ModelException("method frechet needs a quality metric: an evaluation classifier for the model (--classifier DIR, or MODEL/classifier)");
        }
        long t0 = System.nanoTime();
        Schedule template = t.templateAt(r.steps());
        NoiseModel noise = template.model();
        double[] start = template.sigmas();
        if (start.length != r.steps() + 1) throw new ModelException("the template gives " + (start.length - 1) + " steps, not " + r.steps() + "; use a template without truncate/denoise");
        double sigmaMin = noise.sigmaMin();
        double last = start[start.length - 1];
        if (!(start[0] > sigmaMin)) throw new ModelException("the template's first sigma " + start[0] + " is not above the noise model's sigma_min " + sigmaMin);
        if (last > sigmaMin) throw new ModelException("the template's final sigma " + last + " is above sigma_min " + sigmaMin + "; use a template ending at 0 or sigma_min");
        LogSigmaPositions space = new LogSigmaPositions(start[0], sigmaMin, last, r.steps());
        Budget.Clock clock = new Budget(r.maxEvaluations(), r.seconds(), progress).start();
        double[] ref = t.reference().toDoubleArray();
        Errors err = new Errors(t, ref);
        double[] fitted;
        Double before;
        double after;
        switch (r.method()) {
            case DIRECT, FRECHET -> {
                java.util.function.ToDoubleFunction<double[]> f = r.method() == Method.DIRECT ? err::of : sig -> metric.of(t.sample(sig));
                double[] best = start;
                double bestF = f.applyAsDouble(start);
                before = bestF;
                for (double[] alt : List.of(CoordinateSearch.logUniform(start[0], sigmaMin, r.steps()), karras(start[0], sigmaMin, r.steps()))) {
                    double[] s = Arrays.copyOf(alt, alt.length);
                    s[r.steps()] = last;
                    double v = f.applyAsDouble(s);
                    if (v < bestF) {
                        best = s;
                        bestF = v;
                    }
                }
                NelderMead.Result nm = NelderMead.minimize(z -> f.applyAsDouble(space.sigmas(z)), space.parameters(best), 0.5, clock);
                fitted = nm.value() < bestF ? space.sigmas(nm.x()) : best;
                after = Math.min(nm.value(), bestF);
            }
            case AYS -> {
                Klub klub = new Klub(t, ref);
                before = klub.total(start, sigmaMin);
                double[] pts = CoordinateSearch.search(start[0], sigmaMin, r.steps(), klub::cost, r.candidates(), clock);
                fitted = Arrays.copyOf(pts, pts.length);
                fitted[r.steps()] = last;
                after = klub.total(fitted, sigmaMin);
            }
            case GITS -> {
                // a final sigma of sigma_min (finalSigma(sigma_min)) needs the grid's last positive point above it
                Gits g = new Gits(t, start[0], last < sigmaMin ? sigmaMin : sigmaMin * 1.05, last, r.gridPoints(), clock);
                int[] path = GitsPath.cheapest(g.cost, r.steps());
                fitted = new double[path.length];
                for (int k = 0; k < path.length; k++) fitted[k] = g.grid[path[k]];
                after = g.pathCost(path);
                before = g.pathCost(g.snap(start));
            }
            default -> throw new IllegalStateException();
        }
        double errorBefore = err.of(start);
        double errorAfter = err.of(fitted);
        double[] ts = Schedule.sigmas(fitted).resolve(noise).timesteps();
        return new Result(r.method(), start, fitted, ts, noise, before, after, errorBefore, errorAfter, clock.evaluations(), (System.nanoTime() - t0) / 1e9);
    }

    /** Karras (rho 7) sigmas from {@code hi} to {@code lo}, {@code n + 1} values (the last is {@code lo}). */
    static double[] karras(double hi, double lo, int n) {
        double[] s = Remaps.Karras.karras(n + 1, lo, hi, Remaps.Karras.DEFAULT_RHO);
        s[0] = hi;
        s[n] = lo;
        return s;
    }

    /** RMS difference of two equally long arrays. */
    static double rms(double[] a, double[] b) {
        return Math.sqrt(meanSquare(a, b));
    }

    static double meanSquare(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum / a.length;
    }

    /** The direct objective: RMS error of the final samples against the reference. */
    private record Errors(Target t, double[] ref) {
        double of(double[] sigmas) {
            return rms(t.sample(sigmas).toDoubleArray(), ref);
        }
    }

    /** Align Your Steps' KL upper bound, per interval, on the model's own samples {@code x0} and fixed noise {@code e}. */
    private static final class Klub {
        private static final double[] NODES = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
        private static final double[] WEIGHTS = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};
        private final Target t;
        private final double[] x0;
        private final double[] e;
        private final Latent like;
        private final Map<Double, double[]> atStart = new HashMap<>();
        private final Map<List<Double>, Double> intervals = new HashMap<>();

        Klub(Target t, double[] x0) {
            this.t = t;
            this.x0 = x0;
            long[] s = t.seeds().clone();
            for (int i = 0; i < s.length; i++) s[i] += Target.MAX_ITEMS / 2;
            this.like = SeededNoise.initial(t.rng(), s, Latent.Precision.FLOAT32, t.itemShape());
            this.e = like.toDoubleArray();
        }

        private double[] denoised(double sigma) {
            double[] x = new double[x0.length];
            for (int i = 0; i < x.length; i++) x[i] = x0[i] + sigma * e[i];
            return t.denoiser().denoise(like.withValues(x), sigma).toDoubleArray();
        }

        /** {@code int_lo^hi t^-3 |D(x_t, t) - D(x_hi, hi)|^2 dt}, mean over elements, by Gauss-Legendre in log t. */
        double cost(double hi, double lo) {
            return intervals.computeIfAbsent(List.of(hi, lo), k -> {
                double[] dh = atStart.computeIfAbsent(hi, this::denoised);
                double a = Math.log(lo);
                double b = Math.log(hi);
                double sum = 0;
                for (int q = 0; q < NODES.length; q++) {
                    double u = 0.5 * (a + b) + 0.5 * (b - a) * NODES[q];
                    double tq = Math.exp(u);
                    sum += WEIGHTS[q] * 0.5 * (b - a) * meanSquare(denoised(tq), dh) / (tq * tq);
                }
                return sum;
            });
        }

        double total(double[] sigmas, double sigmaMin) {
            double sum = 0;
            int n = sigmas.length - 1;
            for (int i = 0; i < n; i++) sum += cost(sigmas[i], i + 1 < n ? sigmas[i + 1] : sigmaMin);
            return sum;
        }
    }

    /** GITS' fine grid, teacher trajectory and one-step costs. */
    private static final class Gits {
        final double[] grid;
        final double[][] cost;

        Gits(Target t, double hi, double lo, double last, int points, Budget.Clock clock) {
            grid = new double[points + 1];
            double[] pos = CoordinateSearch.logUniform(hi, lo, points - 1);
            System.arraycopy(pos, 0, grid, 0, points);
            grid[points] = last;
            Latent[] teacher = new Latent[points + 1];
            teacher[0] = Latents.scale(hi, t.unitNoise());
            int sub = Math.max(4, (int) Math.ceil((double) t.referenceSigmas().length / points));
            var refOpts = t.referenceSampler().options(Map.of());
            for (int k = 0; k + 1 < points; k++) {
                double[] s = CoordinateSearch.logUniform(grid[k], grid[k + 1], sub);
                teacher[k + 1] = t.solve(t.referenceSampler(), refOpts, teacher[k], s);
            }
            teacher[points] = t.reference();
            // the teacher's end is the full reference solve; its state at sigma_min comes from the sub-stepped grid
            double[][] target = new double[points + 1][];
            for (int k = 0; k <= points; k++) target[k] = teacher[k].toDoubleArray();
            cost = new double[points + 1][points + 1];
            for (double[] row : cost) Arrays.fill(row, Double.POSITIVE_INFINITY);
            for (int i = 0; i < points; i++) {
                for (int j = i + 1; j <= points; j++) {
                    double[] out = t.solve(t.sampler(), t.options(), teacher[i], new double[] {grid[i], grid[j]}).toDoubleArray();
                    cost[i][j] = meanSquare(out, target[j]);
                    clock.count(cost[i][j]);
                }
            }
        }

        double pathCost(int[] path) {
            double s = 0;
            for (int k = 0; k + 1 < path.length; k++) s += cost[path[k]][path[k + 1]];
            return s;
        }

        /** The grid path nearest (in log sigma) to a schedule, kept strictly increasing. */
        int[] snap(double[] sigmas) {
            int n = sigmas.length - 1;
            int g = grid.length - 1;
            int[] p = new int[n + 1];
            p[n] = g;
            for (int k = 1; k < n; k++) {
                int best = 0;
                for (int j = 0; j < g; j++) if (Math.abs(Math.log(grid[j] / sigmas[k])) < Math.abs(Math.log(grid[best] / sigmas[k]))) best = j;
                p[k] = Math.max(best, p[k - 1] + 1);
            }
            for (int k = n - 1; k >= 1; k--) p[k] = Math.min(p[k], p[k + 1] - 1);
            return p;
        }
    }

    /** The result as JSON-ready maps (the preset file's provenance keys, snake_case). */
    static Map<String, Object> describe(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", r.method().id());
        m.put("method_reference", r.method().reference());
        m.put("objective", r.method().minimises());
        m.put("objective_before", r.objectiveBefore());
        m.put("objective_after", r.objectiveAfter());
        m.put("error_before", r.errorBefore());
        m.put("error_after", r.errorAfter());
        m.put("evaluations", r.evaluations());
        m.put("seconds", r.seconds());
        return m;
    }
}
