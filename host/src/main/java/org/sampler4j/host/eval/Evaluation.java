package org.sampler4j.host.eval;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.StepListener;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.host.image.QualityPlot;
import org.sampler4j.host.model.AnalyticModel;
import org.sampler4j.host.model.ConditioningSpec;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.ModelException;
import org.sampler4j.host.model.PixelBatch;
import org.sampler4j.host.run.Generator;
import org.sampler4j.host.run.RunSettings;
import org.sampler4j.host.run.SamplerOptionSets;

/**
 * Sample quality against cost for a model and a list of sampler × schedule cases (the API behind {@code sampler4j eval}).
 * Every case generates the same items: {@code perClass} per class (or {@code perClass} in all for an unconditional
 * model), item {@code i} with seed {@code seed + i} and class {@code i / perClass}, through {@link Generator} exactly as
 * {@code run} would. Per case it reports
 * <ul>
 *   <li>the network evaluations per sample (NFE; a guided evaluation is one batched call);</li>
 *   <li>with a {@link Classifier}: the fraction of samples classified as their requested class, and the Fréchet
 *       distance between the classifier features of all samples and of the held-out real images ({@link Frechet});</li>
 *   <li>for the built-in analytic model: the RMS error against the exact solution of the same probability-flow ODE
 *       (same initial noise, same first sigma, same guidance), computed by a very fine reference solve (Heun on
 *       {@code referenceSteps} Karras-spaced sigmas down to 1e-5). For stochastic samplers this is their distance
 *       from the ODE solution, not an error.</li>
 * </ul>
 * Everything is deterministic given the seed: the same settings give the same numbers (timings aside).
 */
public final class Evaluation {
    /** Items per call of the generator (a guided call runs twice as many through the network). */
    static final int CHUNK = 100;
    /** The last positive sigma of the analytic reference solve. */
    static final double REFERENCE_SIGMA_MIN = 1e-5;
    /** The sampler of the analytic model's reference solve. */
    public static final String REFERENCE_SAMPLER = "heun";

    private Evaluation() {}

    /**
     * One configuration to evaluate.
     *
     * @param sampler sampler id
     * @param schedule schedule DSL text with its step count
     * @param series the line it belongs to in the plot (e.g. the schedule family {@code trailing(n).zeroSnr()})
     */
    public record Case(String sampler, String schedule, String series) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * What every case shares.
     *
     * @param perClass samples per class (in all, for an unconditional model)
     * @param seed seed of item 0
     * @param guidance classifier-free guidance scale
     * @param guidanceRescale {@code guidance_rescale}
     * @param samplerOptions sampler options: {@code KEY} for every sampler that has it, {@code SAMPLER.KEY} for one ({@link SamplerOptionSets})
     * @param rng noise generator ({@code torch-cpu})
     * @param referenceSteps steps of the analytic model's reference solve
     */
    public record Settings(int perClass, long seed, double guidance, double guidanceRescale, Map<String, Object> samplerOptions, String rng, int referenceSteps)
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        public Settings {
            if (perClass < 1) throw new ModelException("samples per class must be >= 1, got " + perClass);
            if (referenceSteps < 10) throw new ModelException("reference steps must be >= 10, got " + referenceSteps);
            samplerOptions = samplerOptions == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(samplerOptions));
            rng = rng == null ? "torch-cpu" : rng;
        }

        /** Defaults: seed 0, no sampler options, torch-cpu noise, a 2000-step reference. */
        public static Settings of(int perClass, double guidance, double guidanceRescale) {
            return new Settings(perClass, 0, guidance, guidanceRescale, Map.of(), "torch-cpu", 2000);
        }
    }

    /**
     * One case's result; metrics that do not apply are null.
     *
     * @param sampler sampler id
     * @param schedule schedule text
     * @param series plot line
     * @param steps sampler steps
     * @param nfe network evaluations per sample
     * @param samples samples generated
     * @param accuracy fraction classified as the requested class
     * @param frechet Fréchet distance of classifier features to the real images
     * @param odeError RMS distance from the exact ODE solution (analytic model)
     * @param seconds sampling wall time
     */
    public record Row(String sampler, String schedule, String series, int steps, long nfe, int samples, Double accuracy, Double frechet,
                      Double odeError, double seconds) {}

    /**
     * A finished evaluation.
     *
     * @param model the model reference
     * @param settings the shared settings
     * @param classifier the classifier folder, or null
     * @param classifierTestAccuracy the classifier's accuracy on the real images, measured now, or null
     * @param realSplitFrechet the Fréchet distance between two halves of the real images (a floor for the sample size), or null
     * @param rows one per case, in order
     */
    public record Report(String model, Settings settings, String classifier, Double classifierTestAccuracy, Double realSplitFrechet, List<Row> rows) {
        /** The case with the fewest NFE whose accuracy is at least {@code bar} (ties: higher accuracy). */
        public Optional<Row> cheapestReaching(double bar) {
            return rows.stream().filter(r -> r.accuracy() != null && r.accuracy() >= bar)
                    .min(Comparator.comparingLong(Row::nfe).thenComparing(r -> -r.accuracy()));
        }

        /** A fixed-width text table. */
        public String table() {
            StringBuilder b = new StringBuilder();
            int sw = Math.max(8, rows.stream().mapToInt(r -> r.schedule().length()).max().orElse(8));
            int pw = Math.max(7, rows.stream().mapToInt(r -> r.sampler().length()).max().orElse(7));
            String head = "%-" + pw + "s  %-" + sw + "s %6s %5s %8s %9s %10s %8s%n";
            b.append(String.format(Locale.ROOT, head, "sampler", "schedule", "steps", "NFE", "accuracy", "Frechet", "ODE error", "seconds"));
            for (Row r : rows) {
                b.append(String.format(Locale.ROOT, "%-" + pw + "s  %-" + sw + "s %6d %5d %8s %9s %10s %8.2f%n", r.sampler(), r.schedule(), r.steps(), r.nfe(),
                        r.accuracy() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.accuracy()),
                        r.frechet() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.frechet()),
                        r.odeError() == null ? "-" : String.format(Locale.ROOT, "%.3e", r.odeError()), r.seconds()));
            }
            return b.toString();
        }

        /** The report as JSON-ready maps and lists (snake_case keys). */
        public Map<String, Object> toJson() {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("per_class", settings.perClass());
            s.put("seed", settings.seed());
            s.put("guidance", settings.guidance());
            s.put("guidance_rescale", settings.guidanceRescale());
            s.put("sampler_options", settings.samplerOptions());
            s.put("rng", settings.rng());
            s.put("reference_steps", settings.referenceSteps());
            doc.put("settings", s);
            if (classifier != null) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("folder", classifier);
                c.put("real_image_accuracy", classifierTestAccuracy);
                c.put("real_split_frechet", realSplitFrechet);
                doc.put("classifier", c);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("sampler", r.sampler());
                m.put("schedule", r.schedule());
                m.put("series", r.series());
                m.put("steps", r.steps());
                m.put("nfe", r.nfe());
                m.put("samples", r.samples());
                m.put("accuracy", r.accuracy());
                m.put("frechet", r.frechet());
                m.put("ode_error", r.odeError());
                m.put("seconds", r.seconds());
                out.add(m);
            }
            doc.put("rows", out);
            return doc;
        }

        /** Quality against NFE: one panel per measured metric, one line per sampler and series. */
        public BufferedImage plot(String title) {
            List<QualityPlot.Metric> metrics = new ArrayList<>();
            List<java.util.function.Function<Row, Double>> getters = new ArrayList<>();
            if (rows.stream().anyMatch(r -> r.accuracy() != null)) {
                metrics.add(new QualityPlot.Metric("class accuracy", false, true, 0, 1));
                getters.add(Row::accuracy);
            }
            if (rows.stream().anyMatch(r -> r.frechet() != null)) {
                metrics.add(new QualityPlot.Metric("Frechet distance (classifier features, log)", true, false));
                getters.add(Row::frechet);
            }
            if (rows.stream().anyMatch(r -> r.odeError() != null)) {
                metrics.add(new QualityPlot.Metric("RMS error vs exact ODE solution (log)", true, false));
                getters.add(Row::odeError);
            }
            if (metrics.isEmpty()) throw new ModelException("nothing to plot: no metric applies (give a classifier, or evaluate the analytic model)");
            Map<String, List<Row>> lines = new LinkedHashMap<>();
            for (Row r : rows) lines.computeIfAbsent(r.sampler() + "  " + r.series(), k -> new ArrayList<>()).add(r);
            List<QualityPlot.Series> series = new ArrayList<>();
            for (Map.Entry<String, List<Row>> e : lines.entrySet()) {
                List<Row> rs = e.getValue().stream().sorted(Comparator.comparingLong(Row::nfe)).toList();
                double[] nfe = rs.stream().mapToDouble(Row::nfe).toArray();
                List<double[]> values = new ArrayList<>();
                for (java.util.function.Function<Row, Double> g : getters) {
                    values.add(rs.stream().mapToDouble(r -> g.apply(r) == null ? Double.NaN : g.apply(r)).toArray());
                }
                series.add(new QualityPlot.Series(e.getKey(), nfe, values));
            }
            return QualityPlot.of(title, metrics, series);
        }
    }

    /**
     * What an evaluation will do, checked and timed before it starts.
     *
     * @param cases cases
     * @param samples samples per case
     * @param nfe model evaluations per sample, summed over the cases (an upper bound: steps × calls per step)
     * @param seconds estimated sampling time (from timed short runs of the first case), NaN when unknown
     */
    public record Plan(int cases, int samples, long nfe, double seconds) {
        /** One line: {@code 8 cases x 100 samples, 460 NFE per sample in all; about 1m20s of sampling (an estimate)}. */
        public String describe() {
            String eta = Double.isNaN(seconds) ? "" : "; about " + (seconds < 60 ? String.format(Locale.ROOT, "%.0fs", Math.max(1, seconds))
                    : String.format(Locale.ROOT, "%dm%02ds", (int) seconds / 60, (int) seconds % 60)) + " of sampling (an estimate)";
            return cases + " case(s) x " + samples + " samples, " + nfe + " model evaluations per sample in all" + eta;
        }
    }

    /**
     * Checks every case (sampler, options, schedule, conditioning) and estimates the time: the sampling time per
     * model evaluation of a chunk, timed on short runs of the first case ({@link #secondsPerEvaluation}), times the
     * evaluations of all cases (and of the analytic model's reference solve) and the number of chunks.
     *
     * @throws org.sampler4j.host.UserInputException or another user error for the first case that cannot run
     */
    public static Plan plan(DiffusionModel model, List<Case> cases, Settings s) {
        if (cases.isEmpty()) throw new ModelException("nothing to evaluate: give at least one sampler and schedule");
        SamplerOptionSets.Assigned opts = options(cases, s);
        int[] labels = labels(model, s.perClass());
        int n = labels == null ? s.perClass() : labels.length;
        int b = Math.min(CHUNK, n);
        List<Integer> l = labels == null ? null : Arrays.stream(labels, 0, b).boxed().toList();
        long nfe = 0;
        for (Case c : cases) {
            RunSettings rs = settings(model, c.sampler(), opts.of(c.sampler()), c.schedule(), l, 0, b, s);
            Generator.check(model, rs);
            nfe += (long) Schedule.parse(c.schedule()).resolve(model.noiseModel()).steps() * Samplers.get(c.sampler()).info().capabilities().modelCallsPerStep();
        }
        double seconds = Double.NaN;
        try {
            long reference = model instanceof AnalyticModel ? 2L * s.referenceSteps() : 0;
            Case first = cases.get(0);
            seconds = secondsPerEvaluation(model, first, opts.of(first.sampler()), l, b, s) * (nfe + reference) * ((double) n / b);
        } catch (RuntimeException e) {
            // no estimate: the plan is still right
        }
        return new Plan(cases.size(), n, nfe, seconds);
    }

    /** The estimate's warm-up: runs until this long has passed (one run at least). */
    static final double WARM_UP_SECONDS = 0.2;
    /** The estimate's timed runs: at least this many ... */
    static final int PROBE_RUNS = 5;
    /** ... and this long, unless they pass {@link #PROBE_MAX_SECONDS} first (a slow model: two runs then). */
    static final double PROBE_SECONDS = 0.3;
    /** The longest the timed runs may take (after at least two of them). */
    static final double PROBE_MAX_SECONDS = 2;

    /**
     * The sampling time per model evaluation of a chunk of {@code b} items, measured on the real configuration: the
     * first case's sampler, options, guidance and items, on the first (up to 3) steps of its schedule. Runs for
     * {@link #WARM_UP_SECONDS} warm up (model, JIT, caches) and are not counted; then the run is repeated
     * ({@link #PROBE_RUNS} times and {@link #PROBE_SECONDS} at least, {@link #PROBE_MAX_SECONDS} at most) and the
     * fastest run counts: the one least slowed by compilation, garbage collection or other processes, as the
     * evaluation's many runs are on the whole (a cheap model such as gmm is still being compiled while it is timed).
     */
    static double secondsPerEvaluation(DiffusionModel model, Case c, Map<String, Object> options, List<Integer> labels, int b, Settings s) {
        Schedule full = Schedule.parse(c.schedule()).resolve(model.noiseModel());
        int k = Math.min(3, full.steps());
        double[] sig = new double[k + 1];
        for (int i = 0; i < k; i++) sig[i] = full.sigma(i);
        RunSettings probe = settings(model, c.sampler(), options, Schedule.sigmas(sig).toString(), labels, 0, b, s);
        long warm = System.nanoTime();
        do {
            Generator.run(model, probe, StepListener.NONE);
        } while (System.nanoTime() - warm < WARM_UP_SECONDS * 1e9);
        double fastest = Double.POSITIVE_INFINITY;
        int runs = 0;
        long start = System.nanoTime();
        double elapsed;
        do {
            Generator.Result r = Generator.run(model, probe, StepListener.NONE);
            fastest = Math.min(fastest, r.seconds() / Math.max(1, r.evaluations()));
            runs++;
            elapsed = (System.nanoTime() - start) / 1e9;
        } while (runs < 2 || elapsed < PROBE_MAX_SECONDS && (runs < PROBE_RUNS || elapsed < PROBE_SECONDS));
        return fastest;
    }

    private static SamplerOptionSets.Assigned options(List<Case> cases, Settings s) {
        SamplerOptionSets.Assigned opts = SamplerOptionSets.assign(cases.stream().map(Case::sampler).distinct().toList(), s.samplerOptions());
        if (!opts.problems().isEmpty()) {
            SamplerOptionSets.Problem p = opts.problems().get(0);
            throw new org.sampler4j.host.UserInputException("sampler option " + p.key() + ": " + p.message());
        }
        return opts;
    }

    /**
     * Runs the evaluation on this machine: every {@link Chunk} in order, each case's partials reduced by {@link #row}
     * (the reduction a cluster run shares).
     *
     * @param model the model
     * @param classifier the evaluation classifier, or null (no accuracy, no Fréchet distance)
     * @param cases the cases, in report order
     * @param s the shared settings
     * @param progress receives one line per finished case
     */
    public static Report run(DiffusionModel model, Classifier classifier, List<Case> cases, Settings s, Consumer<String> progress) {
        if (cases.isEmpty()) throw new ModelException("nothing to evaluate: give at least one sampler and schedule");
        options(cases, s);
        Real real = Real.of(classifier);
        References references = new References();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            List<Partial> parts = new ArrayList<>();
            for (Chunk k : chunks(model, s, i, i + 1)) parts.add(evaluate(model, classifier, cases.get(i), k, s, references));
            Row row = row(cases.get(i), parts, real);
            rows.add(row);
            progress.accept(describe(row));
        }
        return report(model, s, classifier, real, rows);
    }

    /** The report of finished rows. */
    public static Report report(DiffusionModel model, Settings s, Classifier classifier, Real real, List<Row> rows) {
        return new Report(model.reference(), s, classifier == null ? null : classifier.folder().toString(), real.accuracy(), real.splitFrechet(), rows);
    }

    /** A finished case as one progress line. */
    public static String describe(Row row) {
        return String.format(Locale.ROOT, "%s  %s: %d NFE%s%s%s (%.1f s)", row.sampler(), row.schedule(), row.nfe(),
                row.accuracy() == null ? "" : String.format(Locale.ROOT, ", accuracy %.3f", row.accuracy()),
                row.frechet() == null ? "" : String.format(Locale.ROOT, ", Frechet %.3f", row.frechet()),
                row.odeError() == null ? "" : String.format(Locale.ROOT, ", ODE error %.3e", row.odeError()), row.seconds());
    }

    /**
     * What the classifier says about the real images: its accuracy, the Gaussian of their features, the split Fréchet
     * distance (all null without a classifier).
     *
     * @param accuracy the classifier's accuracy on them
     * @param gaussian the Gaussian of their features
     * @param splitFrechet the Fréchet distance between their halves
     */
    public record Real(Double accuracy, Frechet.Gaussian gaussian, Double splitFrechet) {
        /** Measures the real images of {@code classifier} (null: nothing to measure). */
        public static Real of(Classifier classifier) {
            if (classifier == null) return new Real(null, null, null);
            Classifier.RealImages ri = classifier.realImages();
            Classifier.Result rr = classifier.classify(ri.pixels());
            return new Real(Evaluation.accuracy(rr.predictions(), ri.labels()), Frechet.Gaussian.fit(rr.features()), Evaluation.splitFrechet(rr.features(), ri.labels()));
        }
    }

    /**
     * One unit of work: items {@code start .. start + count - 1} of case {@code caseIndex}. Items are cut in blocks of
     * {@link #CHUNK} from item 0, the batches of one machine, so a chunk gives the same numbers wherever it runs.
     *
     * @param caseIndex the case
     * @param start first item
     * @param count items
     */
    public record Chunk(int caseIndex, int start, int count) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The chunks of cases {@code from .. to - 1}, case by case, items in order. */
    public static List<Chunk> chunks(DiffusionModel model, Settings s, int from, int to) {
        int n = items(model, s);
        List<Chunk> out = new ArrayList<>();
        for (int c = from; c < to; c++) {
            for (int start = 0; start < n; start += CHUNK) out.add(new Chunk(c, start, Math.min(CHUNK, n - start)));
        }
        return out;
    }

    /** Items per case: {@code perClass} per class, or {@code perClass} for an unconditional model. */
    public static int items(DiffusionModel model, Settings s) {
        int[] labels = labels(model, s.perClass());
        return labels == null ? s.perClass() : labels.length;
    }

    /**
     * What one chunk contributes to its case's row; partials of a case merge in item order ({@link #row}), which fixes
     * every floating-point sum.
     *
     * @param samples items
     * @param steps sampler steps
     * @param nfe network evaluations per sample
     * @param seconds sampling wall time
     * @param labelled whether items had class labels to check
     * @param correct items classified as their requested class (with a classifier and class labels)
     * @param features the moments of the classifier features, or null without a classifier
     * @param squaredError the summed squared distance from the ODE reference (analytic model), else 0
     * @param values latent values summed in {@code squaredError} (0: no ODE error)
     */
    public record Partial(int samples, int steps, long nfe, double seconds, boolean labelled, int correct, Frechet.Moments features, double squaredError,
                          long values) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        /** This partial followed by {@code next}. */
        public Partial merge(Partial next) {
            return new Partial(samples + next.samples, next.steps, next.nfe, seconds + next.seconds, labelled && next.labelled, correct + next.correct,
                    features == null ? null : features.merge(next.features), squaredError + next.squaredError, values + next.values);
        }
    }

    /** The analytic model's reference solutions, per first sigma and chunk (computed once, reused by every case). */
    public static final class References {
        private final Map<String, float[]> solved = new java.util.concurrent.ConcurrentHashMap<>();
    }

    /**
     * Generates and measures one chunk (on any machine: the model and classifier are this machine's copies).
     *
     * @param classifier the evaluation classifier, or null
     * @param c the chunk's case
     * @param references reference solutions computed so far (analytic model)
     */
    public static Partial evaluate(DiffusionModel model, Classifier classifier, Case c, Chunk k, Settings s, References references) {
        int[] labels = labels(model, s.perClass());
        int[] mine = labels == null ? null : Arrays.copyOfRange(labels, k.start(), k.start() + k.count());
        Samples gen = generate(model, c.sampler(), SamplerOptionSets.forSampler(c.sampler(), s.samplerOptions()), c.schedule(), mine, k.start(), k.count(), s);
        int correct = 0;
        Frechet.Moments features = null;
        if (classifier != null) {
            Classifier.Result r = classifier.classify(gen.pixels());
            if (mine != null) for (int i = 0; i < mine.length; i++) if (r.predictions()[i] == mine[i]) correct++;
            features = Frechet.Moments.of(r.features());
        }
        double squared = 0;
        long values = 0;
        if (model instanceof AnalyticModel) {
            double sigma0 = Schedule.parse(c.schedule()).resolve(model.noiseModel()).sigma(0);
            float[] ref = references.solved.computeIfAbsent(sigma0 + "@" + k.start(),
                    key -> generate(model, REFERENCE_SAMPLER, Map.of(), reference(sigma0, s.referenceSteps()), mine, k.start(), k.count(), s).latents());
            float[] x = gen.latents();
            for (int i = 0; i < x.length; i++) {
                double d = (double) x[i] - ref[i];
                squared += d * d;
            }
            values = x.length;
        }
        return new Partial(k.count(), gen.steps(), gen.nfe(), gen.seconds(), mine != null, correct, features, squared, values);
    }

    /**
     * Reduces a case's partials, in item order, to its row: accuracy from the summed counts, the Fréchet distance from
     * the merged feature moments, the ODE error from the summed squares. One machine and a cluster both end here.
     */
    public static Row row(Case c, List<Partial> parts, Real real) {
        Partial p = parts.get(0);
        for (int i = 1; i < parts.size(); i++) p = p.merge(parts.get(i));
        boolean measured = real.gaussian() != null && p.features() != null;
        Double acc = measured && p.labelled() ? (double) p.correct() / p.samples() : null;
        Double fd = measured ? Frechet.distance(p.features().gaussian(), real.gaussian()) : null;
        Double err = p.values() == 0 ? null : Math.sqrt(p.squaredError() / p.values());
        return new Row(c.sampler(), c.schedule(), c.series(), p.steps(), p.nfe(), p.samples(), acc, fd, err, p.seconds());
    }

    /** Generated samples of one chunk. */
    private record Samples(PixelBatch pixels, float[] latents, int steps, long nfe, double seconds) {}

    /** The class of each item ({@code perClass} per class), or null for an unconditional model. */
    private static int[] labels(DiffusionModel model, int perClass) {
        ConditioningSpec c = model.conditioning();
        if (c.kindValue() != ConditioningSpec.Kind.CLASS_LABEL) return null;
        int[] l = new int[c.classes() * perClass];
        for (int i = 0; i < l.length; i++) l[i] = i / perClass;
        return l;
    }

    /** Items {@code start .. start + n - 1} in one generator call: seeds {@code seed + start ..}, their class labels. */
    private static Samples generate(DiffusionModel model, String sampler, Map<String, Object> options, String schedule, int[] labels, int start, int n, Settings s) {
        List<Integer> l = labels == null ? null : Arrays.stream(labels).boxed().toList();
        RunSettings rs = settings(model, sampler, options, schedule, l, start, n, s);
        Generator.Result r = Generator.run(model, rs, StepListener.NONE);
        return new Samples(r.pixels(), ArrayLatent.of(r.samples()).toFloatArray(), r.steps(), r.evaluations(), r.seconds());
    }

    private static RunSettings settings(DiffusionModel model, String sampler, Map<String, Object> options, String schedule, List<Integer> labels, int start, int batch,
                                        Settings s) {
        return new RunSettings(RunSettings.VERSION, model.reference(), sampler, options, schedule, s.seed() + start, batch, s.rng(), s.guidance(), s.guidanceRescale(), labels, null, null, null, null, null);
    }

    /** The reference schedule: {@code steps} Karras-spaced (rho 7) sigmas from {@code sigma0} to 1e-5, then 0. */
    public static String reference(double sigma0, int steps) {
        double rho = 7;
        double a = Math.pow(sigma0, 1 / rho);
        double b = Math.pow(REFERENCE_SIGMA_MIN, 1 / rho);
        double[] sig = new double[steps + 1];
        for (int i = 0; i < steps; i++) sig[i] = Math.pow(a + (double) i / (steps - 1) * (b - a), rho);
        sig[0] = sigma0;
        return Schedule.sigmas(sig).toString();
    }

    private static double accuracy(int[] predictions, int[] labels) {
        int ok = 0;
        for (int i = 0; i < labels.length; i++) if (predictions[i] == labels[i]) ok++;
        return (double) ok / labels.length;
    }

    /** The Fréchet distance between the first and the second half of each class's real images. */
    private static Double splitFrechet(double[][] features, int[] labels) {
        Map<Integer, Integer> seen = new LinkedHashMap<>();
        Map<Integer, Integer> count = new LinkedHashMap<>();
        for (int l : labels) count.merge(l, 1, Integer::sum);
        List<double[]> a = new ArrayList<>();
        List<double[]> b = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            int k = seen.merge(labels[i], 1, Integer::sum);
            (k <= count.get(labels[i]) / 2 ? a : b).add(features[i]);
        }
        if (a.size() < 2 || b.size() < 2) return null;
        return Frechet.distance(Frechet.Gaussian.fit(a.toArray(double[][]::new)), Frechet.Gaussian.fit(b.toArray(double[][]::new)));
    }
}
