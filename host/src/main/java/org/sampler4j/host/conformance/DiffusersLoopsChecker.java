package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.diffusers.DiffusersConfig;
import org.sampler4j.api.diffusers.DiffusersStepper;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * diffusers {@code loops.json}: complete pipeline loops ({@code scale_model_input}, model, {@code step}) run twice:
 * through {@link DiffusersStepper}'s native steps and through the class's sampler4j sampler
 * ({@link DiffusersStepper#viaSampler}, the route the SD pipeline uses); a case passes when both do. The recorded model
 * outputs are replayed (so every step is checked on the reference trajectory) and so is the noise, in draw order and
 * at the recorded step.
 *
 * <p>Tolerances (golden README): each step's {@code model_input} and {@code prev_sample} within 1e-4 of that array's
 * largest magnitude (diffusers computes in float32 in its own order of operations; rounding alone spreads results by
 * up to ~2e-5), but never tighter than 2 float32 ulps of the largest sample the loop has held so far: a float32 loop
 * cannot resolve less than that. The floor matters only for loops that start at huge sigmas: zero-SNR Euler starts
 * at sigma 4096, so diffusers' first update cancels two numbers of size ~6000 and keeps an absolute error of ~5e-4
 * that later, small samples inherit (replaying Euler/zsnr_trailing_vpred in float64 differs from the recorded float32
 * loop by 2.0e-4 of the final max-abs, replaying it in float32 by 4e-8). The timesteps are compared as in the
 * schedules checker; a loop that reaches NaN must do so at the same step; a loop that raises must be rejected at or
 * before the recorded step.
 */
final class DiffusersLoopsChecker implements GoldenChecker {
    static final double RTOL = 1e-4;

    @Override
    public String format() {
        return "diffusers-loops";
    }

    @Override
    public boolean accepts(JsonNode root) {
        return root.isArray() && root.size() > 0 && root.get(0).has("steps") && root.get(0).has("latents_pattern");
    }

    @Override
    public List<CaseResult> check(JsonNode root) {
        return GoldenChecker.eachCase(root, c -> {
            String d = loop(c, false);
            if (d != null) return d;
            String viaSampler = loop(c, true);
            return viaSampler == null ? null : "through the sampler route (DiffusersStepper.viaSampler): " + viaSampler;
        });
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) if (Double.isFinite(x)) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static Latent latent(JsonNode values, int[] shape) {
        return Compare.float32Latent(values, shape);
    }

    /** One loop, stepped natively or through the class's sampler route ({@link DiffusersStepper#viaSampler}). */
    private static String loop(JsonNode c, boolean viaSampler) {
        int[] shape = Compare.shape(c.get("shape"));
        JsonNode error = c.get("error");
        int errorStep = error == null || error.isNull() ? Integer.MAX_VALUE : error.get("step").asInt();
        JsonNode draws = c.get("noise");
        int[] drawIndex = {0};
        int[] currentStep = {-1};
        NoiseSource replay = (s, sn, like) -> {
            int k = drawIndex[0]++;
            if (k >= draws.size()) throw new IllegalStateException("noise draw " + k + " at step " + currentStep[0] + ": the reference drew only " + draws.size() + " times");
            JsonNode rec = draws.get(k);
            if (rec.get("step").asInt() != currentStep[0]) {
                throw new IllegalStateException("noise draw " + k + " came in step " + currentStep[0] + ", the reference drew it in step " + rec.get("step").asInt());
            }
            return like.withValues(Compare.array(rec.get("data")));
        };
        Map<String, Object> kwargs = DiffusersSchedulesChecker.map(c.get("step_kwargs"));
        DiffusersConfig cfg;
        DiffusersStepper st;
        try {
            cfg = DiffusersConfig.of(c.get("scheduler").asText(), DiffusersSchedulesChecker.map(c.get("config")));
            st = viaSampler ? DiffusersStepper.viaSampler(cfg, DiffusersSchedulesChecker.args(c.get("set_timesteps")), kwargs, replay)
                    : DiffusersStepper.create(cfg, DiffusersSchedulesChecker.args(c.get("set_timesteps")), kwargs, replay);
        } catch (ScheduleException e) {
            return errorStep != Integer.MAX_VALUE ? null : "rejected: " + e.getMessage();
        }
        try (st) {
            boolean intTimesteps = "int64".equals(c.path("timesteps_dtype").asText());
            double[] expT = Compare.array(c.get("timesteps"));
            String d = intTimesteps ? Compare.exact("timesteps", expT, st.timesteps())
                    : Compare.close("timesteps", expT, st.timesteps(), DiffusersSchedulesChecker.RTOL, DiffusersSchedulesChecker.TIMESTEP_ATOL);
            if (d != null) return d;
            Latent sample0 = st.initialSample(latent(c.get("latents"), shape));
            d = Compare.closeToMaxAbs("sample0", Compare.array(c.get("sample0")), sample0.toDoubleArray(), RTOL);
            if (d != null) return d;
            Latent sample = sample0;
            double largest = maxAbs(Compare.array(c.get("sample0")));
            for (JsonNode step : c.get("steps")) {
                int i = step.get("i").asInt();
                currentStep[0] = i;
                double t = Compare.num(step.get("t"));
                try {
                    Latent in = st.scaleModelInput(sample, t);
                    double[] expIn = Compare.array(step.get("model_input"));
                    d = Compare.close("step " + i + " model_input", expIn, in.toDoubleArray(), 0, Math.max(RTOL * maxAbs(expIn), 2 * Math.ulp((float) largest)));
                    if (d != null) return d;
                    sample = st.step(latent(step.get("model_output"), shape), t, sample);
                } catch (RuntimeException e) {
                    if (i >= errorStep) return null;
                    throw e;
                }
                if (i >= errorStep) return "step " + i + " succeeded, but diffusers raises there (" + error.get("error").asText() + ")";
                double[] expected = Compare.array(step.get("prev_sample"));
                largest = Math.max(largest, maxAbs(expected));
                d = Compare.close("step " + i + " prev_sample", expected, sample.toDoubleArray(), 0,
                        Math.max(RTOL * maxAbs(expected), 2 * Math.ulp((float) largest)));
                if (d != null) return d;
            }
            if (errorStep != Integer.MAX_VALUE) return "finished, but diffusers raises at step " + errorStep;
            if (drawIndex[0] != draws.size()) return "drew noise " + drawIndex[0] + " times, the reference " + draws.size();
            double[] fin = Compare.array(c.get("final_sample"));
            return Compare.close("final_sample", fin, sample.toDoubleArray(), 0, Math.max(RTOL * maxAbs(fin), 2 * Math.ulp((float) largest)));
        }
    }
}
