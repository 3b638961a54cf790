package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.sampler4j.api.noise.TorchCpuGenerator;
import org.sampler4j.api.noise.TorchCudaGenerator;

/**
 * PyTorch RNG golden files ({@code torch_rng/README.md}).
 *
 * <p>CPU generator ({@code cpu_randn*.json}, {@code captures}): every recorded value bit-exact, except float64
 * {@code randn} (computed with the C library's double {@code log/sin/cos}; Java's {@code Math} may differ by an ulp on
 * another JVM or platform), allowed 2 ulp. CUDA generator ({@code cuda_randn.json}, or the {@code cuda_randn} section
 * of a CPU file): every value within 2e-6 absolute, float16 within one half-precision ulp (the GPU's hardware
 * sine/cosine is not reproducible bit for bit, and a float32 value within 2e-6 may round to the neighbouring half);
 * the share of bit-exact values and the largest difference are reported per dtype.
 */
final class TorchRngCheckers {
    static final double CUDA_TOL = 2e-6;
    static final long FLOAT64_ULPS = 2;

    private TorchRngCheckers() {}

    /** The CPU format. */
    static final class Cpu implements GoldenChecker {
        @Override
        public String format() {
            return "torch-cpu-rng";
        }

        @Override
        public boolean accepts(JsonNode root) {
            return root.isObject() && root.has("captures");
        }

        @Override
        public List<CaseResult> check(JsonNode root) {
            List<CaseResult> out = new ArrayList<>();
            root.get("captures").fields().forEachRemaining(e -> {
                String capture = e.getKey();
                TorchCpuGenerator.CpuKernel kernel = capture.equals("default") ? TorchCpuGenerator.CpuKernel.DEFAULT : TorchCpuGenerator.CpuKernel.AVX2;
                for (JsonNode c : e.getValue().path("cases")) {
                    String id = capture + "/" + c.path("id").asText();
                    out.add(GoldenChecker.guard(id, () -> cpuCase(id, c, kernel)));
                }
                for (JsonNode c : e.getValue().path("randn_like")) {
                    String id = capture + "/randn_like/" + c.path("id").asText();
                    out.add(GoldenChecker.guard(id, () -> {
                        TorchCpuGenerator g = new TorchCpuGenerator(c.get("seed").asLong(), kernel);
                        return compareCpu(id, c, g) ;
                    }));
                }
            });
            if (root.has("cuda_randn")) out.addAll(new Cuda().check(root.get("cuda_randn")));
            return out;
        }

        private static CaseResult cpuCase(String id, JsonNode c, TorchCpuGenerator.CpuKernel kernel) {
            TorchCpuGenerator g = c.path("unseeded_generator").asBoolean(false) ? new TorchCpuGenerator(TorchCpuGenerator.DEFAULT_SEED, kernel)
                    : new TorchCpuGenerator(c.get("seed").asLong(), kernel);
            int k = 0;
            for (JsonNode op : c.get("ops")) {
                String name = op.get("op").asText();
                if (name.equals("manual_seed")) {
                    g.manualSeed(op.get("seed").asLong());
                } else {
                    CaseResult r = compareCpu(id + " op " + k, op, g);
                    if (r.status() != CaseResult.Status.PASSED) return CaseResult.fail(id, r.detail());
                }
                k++;
            }
            return CaseResult.pass(id);
        }

        private static CaseResult compareCpu(String id, JsonNode op, TorchCpuGenerator g) {
            int n = numel(op.get("shape"));
            boolean f32 = op.path("dtype").asText("float32").equals("float32");
            boolean rand = op.path("op").asText("randn").equals("rand");
            double[] exp = Compare.array(op.get("values"));
            double[] got = f32 ? widen(rand ? g.randFloat(n) : g.randnFloat(n)) : rand ? g.randDouble(n) : g.randnDouble(n);
            long allowed = !f32 && !rand ? FLOAT64_ULPS : 0;
            for (int i = 0; i < n; i++) {
                long ulps = f32 ? Math.abs((long) Float.floatToIntBits((float) exp[i]) - Float.floatToIntBits((float) got[i]))
                        : Math.abs(Double.doubleToLongBits(exp[i]) - Double.doubleToLongBits(got[i]));
                if (ulps > allowed) {
                    return CaseResult.fail(id, "value " + i + ": expected " + exp[i] + ", got " + got[i] + " (" + ulps + " ulp; allowed " + allowed + ")");
                }
            }
            return CaseResult.pass(id);
        }
    }

    /** The CUDA format. */
    static final class Cuda implements GoldenChecker {
        @Override
        public String format() {
            return "torch-cuda-rng";
        }

        @Override
        public boolean accepts(JsonNode root) {
            JsonNode first = root.path("cases").path(0);
            return root.isObject() && root.has("cases") && first.has("seed") && first.has("dtype") && (first.has("first") || first.has("head") || first.has("values"));
        }

        @Override
        public List<CaseResult> check(JsonNode root) {
            List<CaseResult> out = new ArrayList<>();
            int k = 0;
            for (JsonNode c : root.get("cases")) {
                String id = "cuda/seed=" + c.get("seed").asText() + "/" + c.get("shape") + "/" + c.get("dtype").asText() + "/#" + k++;
                out.add(GoldenChecker.guard(id, () -> cudaCase(id, c)));
            }
            return out;
        }

        private static CaseResult cudaCase(String id, JsonNode c) {
            TorchCudaGenerator g = new TorchCudaGenerator(c.get("seed").asLong());
            String dtype = c.get("dtype").asText();
            int n = numel(c.get("shape"));
            IntFunction<double[]> draw = m -> switch (dtype) {
                case "float16" -> widen(g.randnHalf(m));
                case "float64" -> g.randnDouble(m);
                default -> widen(g.randnFloat(m));
            };
            double[] stats = new double[3]; // values, exact, max diff
            String problem = null;
            if (c.has("head")) {
                double[] all = draw.apply(n);
                double[] head = Compare.array(c.get("head"));
                double[] tail = Compare.array(c.get("tail"));
                problem = cudaCompare("head", head, all, 0, stats, dtype);
                if (problem == null) problem = cudaCompare("tail", tail, all, n - tail.length, stats, dtype);
            } else {
                for (String part : new String[] {"first", "values", "second"}) {
                    if (!c.has(part) || problem != null) continue;
                    problem = cudaCompare(part, Compare.array(c.get(part)), draw.apply(n), 0, stats, dtype);
                }
            }
            if (problem != null) return CaseResult.fail(id, problem);
            return CaseResult.pass(id, Map.of(dtype + "_values", stats[0], dtype + "_exact", stats[1], dtype + "_diff_max", stats[2]));
        }

        /**
         * Within {@link #CUDA_TOL}; float16 within one half-precision ulp of the expected value instead (a float32 value
         * within the tolerance may round to the neighbouring half).
         */
        private static String cudaCompare(String what, double[] exp, double[] all, int offset, double[] stats, String dtype) {
            boolean half = dtype.equals("float16");
            for (int i = 0; i < exp.length; i++) {
                double got = all[offset + i];
                double d = Math.abs(got - exp[i]);
                stats[0]++;
                if (Double.compare(got, exp[i]) == 0) stats[1]++;
                stats[2] = Math.max(stats[2], d);
                double tol = half ? halfUlp(exp[i]) : CUDA_TOL;
                if (!(d <= tol)) {
                    return what + "[" + i + "]: expected " + exp[i] + ", got " + got + " (|diff| " + d + " > " + tol
                            + (half ? ", one float16 ulp" : "") + ")";
                }
            }
            return null;
        }
    }

    /** The spacing of float16 values at {@code v}: {@code 2^(e - 10)} for a normal half of exponent {@code e}, {@code 2^-24} below. */
    static double halfUlp(double v) {
        double a = Math.abs(v);
        if (!(a >= 0x1p-14)) return 0x1p-24;
        return Math.scalb(1.0, Math.getExponent(a) - 10);
    }

    static int numel(JsonNode shape) {
        if (shape.isNumber()) return shape.asInt();
        int n = 1;
        for (JsonNode d : shape) n *= d.asInt();
        return n;
    }

    static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
