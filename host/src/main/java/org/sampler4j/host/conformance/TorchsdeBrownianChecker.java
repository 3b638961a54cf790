package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sampler4j.api.noise.TorchsdeBrownianNoise;
import org.sampler4j.api.noise.TorchsdeBrownianTree;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;

/**
 * {@code torchsde_brownian/1} ({@code brownian.json}): torchsde's {@code BrownianTree} queries and k-diffusion's
 * {@code BrownianTreeNoiseSampler} calls, replayed in order on {@link TorchsdeBrownianTree} and
 * {@link TorchsdeBrownianNoise}. Tolerance (the golden README's): float32 values within 2 ulp, float64 within 1e-12
 * relative. Metrics per dtype: values, bit-exact values, the largest |diff| and the largest ulp (float32) or relative
 * (float64) difference.
 */
final class TorchsdeBrownianChecker extends SchemaChecker {
    static final String SCHEMA = "torchsde_brownian/1";
    static final long MAX_ULP = 2;
    static final double MAX_REL = 1e-12;

    TorchsdeBrownianChecker() {
        super(SCHEMA);
    }

    @Override
    public List<CaseResult> check(JsonNode root) {
        List<CaseResult> out = new ArrayList<>();
        for (JsonNode c : root.path("brownian_tree")) out.add(GoldenChecker.guard(c.path("id").asText(), () -> tree(c)));
        for (JsonNode c : root.path("noise_sampler")) out.add(GoldenChecker.guard(c.path("id").asText(), () -> sampler(c)));
        return out;
    }

    private static Latent.Precision dtype(JsonNode c) {
        return switch (c.path("dtype").asText()) {
            case "float32" -> Latent.Precision.FLOAT32;
            case "float64" -> Latent.Precision.FLOAT64;
            default -> throw new IllegalArgumentException("unknown dtype '" + c.path("dtype").asText() + "' (float32 or float64)");
        };
    }

    /** An unsigned 64-bit seed from a JSON integer. */
    private static long seed(JsonNode n) {
        if (!n.isIntegralNumber() || n.bigIntegerValue().signum() < 0 || n.bigIntegerValue().bitLength() > 64) {
            throw new IllegalArgumentException("seed " + n + " is not an integer in [0, 2^64)");
        }
        return n.bigIntegerValue().longValue();
    }

    private static CaseResult tree(JsonNode c) {
        Latent.Precision p = dtype(c);
        int[] shape = Compare.shape(c.get("shape"));
        int numel = 1;
        for (int d : shape) numel *= d;
        TorchsdeBrownianTree tree = new TorchsdeBrownianTree(c.get("t0").asDouble(), c.get("t1").asDouble(), numel, p, seed(c.get("entropy")));
        Stats stats = new Stats(p);
        int k = 0;
        for (JsonNode q : c.get("queries")) {
            String d = stats.compare("query " + k++ + " w", Compare.array(q.get("w")), tree.increment(q.get("ta").asDouble(), q.get("tb").asDouble()));
            if (d != null) return CaseResult.fail(c.path("id").asText(), d);
        }
        return CaseResult.pass(c.path("id").asText(), stats.metrics());
    }

    private static CaseResult sampler(JsonNode c) {
        Latent.Precision p = dtype(c);
        double min = c.get("sigma_min").asDouble();
        double max = c.get("sigma_max").asDouble();
        JsonNode seed = c.get("seed");
        TorchsdeBrownianNoise noise;
        if (seed.isArray()) {
            long[] seeds = new long[seed.size()];
            for (int i = 0; i < seeds.length; i++) seeds[i] = seed(seed.get(i));
            noise = TorchsdeBrownianNoise.perItem(seeds, min, max);
        } else {
            noise = TorchsdeBrownianNoise.of(seed(seed), min, max);
        }
        Latent like = ArrayLatent.zeros(p, Compare.shape(c.get("shape")));
        Stats stats = new Stats(p);
        int k = 0;
        for (JsonNode call : c.get("calls")) {
            Latent n = noise.noise(call.get("sigma").asDouble(), call.get("sigma_next").asDouble(), like);
            String d = stats.compare("call " + k++ + " noise", Compare.array(call.get("noise")), n.toDoubleArray());
            if (d != null) return CaseResult.fail(c.path("id").asText(), d);
        }
        return CaseResult.pass(c.path("id").asText(), stats.metrics());
    }

    /** Element-wise comparison in the dtype's tolerance, keeping the metrics. */
    private static final class Stats {
        final Latent.Precision p;
        final String prefix;
        long values;
        long exact;
        double diffMax;
        double errMax;

        Stats(Latent.Precision p) {
            this.p = p;
            this.prefix = p == Latent.Precision.FLOAT32 ? "float32" : "float64";
        }

        String compare(String what, double[] expected, double[] actual) {
            if (expected.length != actual.length) return what + ": length " + actual.length + ", expected " + expected.length;
            for (int i = 0; i < expected.length; i++) {
                double e = expected[i];
                double a = actual[i];
                values++;
                if (Double.compare(e, a) == 0 || (e == 0 && a == 0)) exact++;
                double diff = Math.abs(a - e);
                diffMax = Math.max(diffMax, diff);
                boolean ok;
                String err;
                if (p == Latent.Precision.FLOAT32) {
                    long ulp = e == a ? 0 : Math.abs((long) Float.floatToIntBits((float) e) - Float.floatToIntBits((float) a));
                    errMax = Math.max(errMax, ulp);
                    ok = ulp <= MAX_ULP;
                    err = ulp + " ulp; tolerance " + MAX_ULP + " ulp";
                } else {
                    double rel = diff / Math.max(Math.abs(e), Double.MIN_NORMAL);
                    errMax = Math.max(errMax, rel);
                    ok = rel <= MAX_REL;
                    err = String.format(Locale.ROOT, "relative %.3g; tolerance %.0e", rel, MAX_REL);
                }
                if (!ok || Double.isNaN(a) != Double.isNaN(e)) return what + "[" + i + "]: expected " + e + ", got " + a + " (" + err + ")";
            }
            return null;
        }

        Map<String, Double> metrics() {
            Map<String, Double> m = new HashMap<>();
            m.put(prefix + "_values", (double) values);
            m.put(prefix + "_exact", (double) exact);
            m.put(prefix + "_diff_max", diffMax);
            m.put(prefix + (p == Latent.Precision.FLOAT32 ? "_ulp_max" : "_rel_max"), errMax);
            return m;
        }
    }
}
