package org.sampler4j.api.diffusers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.math.LmsCoefficients;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;

/**
 * {@code step} of diffusers' sigma-space classes, on the sample it is given, with the state diffusers keeps:
 * EulerDiscreteScheduler (churn), EulerAncestralDiscreteScheduler, HeunDiscreteScheduler (stored first-stage sample and
 * derivative), KDPM2DiscreteScheduler, KDPM2AncestralDiscreteScheduler (stored first-stage sample) and
 * LMSDiscreteScheduler (derivative history), EDMEulerScheduler (Euler with churn on EDM-preconditioned outputs) and
 * FlowMatchEulerDiscreteScheduler (Euler on the velocity, or with {@code stochastic_sampling} re-noised {@code x0}).
 * The arrays are diffusers' own after {@code set_timesteps} (Heun and KDPM2
 * repeat interior sigmas); a two-stage class is in its second stage while it holds a first-stage sample, as in diffusers.
 *
 * <p>Provenance: Karras et al. 2022 (Euler, Heun, churn), k-diffusion ({@code sample_dpm_2}, {@code sample_lms});
 * diffusers {@code scheduling_euler_discrete.py}, {@code scheduling_euler_ancestral_discrete.py},
 * {@code scheduling_heun_discrete.py}, {@code scheduling_k_dpm_2_discrete.py},
 * {@code scheduling_k_dpm_2_ancestral_discrete.py}, {@code scheduling_lms_discrete.py}, {@code scheduling_edm_euler.py},
 * {@code scheduling_flow_match_euler_discrete.py} {@code step}.
 */
final class SigmaSpaceSteps implements ClassSteps {
    private enum Kind { EULER, EULER_ANCESTRAL, HEUN, KDPM2, KDPM2_ANCESTRAL, LMS, EDM_EULER, FLOW_EULER }

    private final Kind kind;
    private final Prediction prediction;
    private final Double clipRange;
    private final NoiseSource noise;
    private final double[] sigmas;
    private final double[] interpol;
    private final double[] up;
    private final double[] down;
    private final double sChurn;
    private final double sTmin;
    private final double sTmax;
    private final double sNoise;
    private final int lmsOrder;
    /** EDMEuler's {@code sigma_data} (its model input and output are preconditioned). */
    private final float sigmaData;
    /** FlowMatchEuler's {@code stochastic_sampling}: re-noise the flow prediction's {@code x0} to the next sigma. */
    private final boolean stochastic;
    // state between calls, as diffusers keeps it
    private Latent stored;
    private Latent prevDerivative;
    private double storedDt;
    private final List<Latent> derivatives = new ArrayList<>();

    /** Whether the class has a native step here. */
    static boolean handles(String className) {
        return kind(className) != null;
    }

    private static Kind kind(String cls) {
        return switch (cls) {
            case "EulerDiscreteScheduler" -> Kind.EULER;
            case "EulerAncestralDiscreteScheduler" -> Kind.EULER_ANCESTRAL;
            case "HeunDiscreteScheduler" -> Kind.HEUN;
            case "KDPM2DiscreteScheduler" -> Kind.KDPM2;
            case "KDPM2AncestralDiscreteScheduler" -> Kind.KDPM2_ANCESTRAL;
            case "LMSDiscreteScheduler" -> Kind.LMS;
            case "EDMEulerScheduler" -> Kind.EDM_EULER;
            case "FlowMatchEulerDiscreteScheduler" -> Kind.FLOW_EULER;
            default -> null;
        };
    }

    SigmaSpaceSteps(DiffusersConfig cfg, DiffusersTimesteps ts, Map<String, Object> kw, NoiseSource noise) {
        this.kind = kind(cfg.className());
        this.prediction = DiffusersSchedules.route(cfg, kw).prediction();
        this.clipRange = kind == Kind.HEUN && cfg.bool("clip_sample") ? cfg.dbl("clip_sample_range") : null;
        this.noise = noise;
        this.sigmas = ts.sigmas();
        this.interpol = ts.extras().get("sigmas_interpol");
        this.sChurn = num(kw, "s_churn", 0);
        this.sTmin = num(kw, "s_tmin", 0);
        this.sTmax = num(kw, "s_tmax", Double.POSITIVE_INFINITY);
        this.sNoise = num(kw, "s_noise", 1);
        this.lmsOrder = (int) num(kw, "order", 4);
        this.sigmaData = kind == Kind.EDM_EULER ? (float) cfg.dbl("sigma_data") : Float.NaN;
        this.stochastic = kind == Kind.FLOW_EULER && cfg.bool("stochastic_sampling");
        if (kind == Kind.KDPM2_ANCESTRAL) {
            // base sigmas back from cat([s[:1], s[1:].repeat_interleave(2), s[-1:]])
            int n = sigmas.length / 2 - 1;
            float[] base = new float[n + 1];
            base[0] = (float) sigmas[0];
            for (int j = 1; j <= n; j++) base[j] = (float) sigmas[2 * j];
            double[] u = new double[n + 1];
            double[] d = new double[n + 1];
            for (int j = 0; j <= n; j++) {
                float s = base[j];
                float next = j < n ? base[j + 1] : 0f;
                float ups = (float) Math.sqrt(next * next * (s * s - next * next) / (s * s));
                u[j] = ups;
                d[j] = j == n ? 0 : (float) Math.sqrt(next * next - ups * ups);
            }
            this.up = KdpmInterpolation.repeatTail(u);
            this.down = KdpmInterpolation.repeatTail(d);
        } else {
            this.up = null;
            this.down = null;
        }
    }

    private static double num(Map<String, Object> kw, String key, double dflt) {
        Object o = kw.get(key);
        return o instanceof Number n ? n.doubleValue() : dflt;
    }

    /** The class's first stage: Heun holds no {@code dt}, KDPM2 no stored sample. */
    private boolean firstOrder() {
        return stored == null;
    }

    @Override
    public Latent scaleModelInput(Latent sample, double t, int k) {
        double sigma = switch (kind) {
            case KDPM2 -> firstOrder() ? sigmas[k] : interpol[k];
            case KDPM2_ANCESTRAL -> firstOrder() ? sigmas[k] : interpol[k - 1];
            default -> sigmas[k];
        };
        if (kind == Kind.FLOW_EULER) return sample;
        if (kind == Kind.EDM_EULER) return Latents.scale(VpSolverMath.edmInputScale(sigmaData, (float) sigma), sample);
        return Latents.scale(1 / Math.sqrt(sigma * sigma + 1), sample);
    }

    /** {@code pred_original_sample} with the class's sigma for the prediction. */
    private Latent x0(Latent sample, Latent out, double sigma) {
        Latent x0 = prediction.denoised(sample, sigma, out);
        return clipRange == null ? x0 : ClassSteps.clamp(x0, clipRange);
    }

    /** {@code sample + (sample - x0) / sigma * dt}. */
    private static Latent euler(Latent sample, Latent x0, double sigma, double dt) {
        double r = dt / sigma;
        return Latents.sum(1 + r, sample, -r, x0);
    }

    private static Latent derivative(Latent sample, Latent x0, double sigma) {
        return Latents.sum(1 / sigma, sample, -1 / sigma, x0);
    }

    @Override
    public Latent step(Latent out, double t, Latent sample, int k) {
        switch (kind) {
            case EULER: {
                double sigma = sigmas[k];
                double gamma = sTmin <= sigma && sigma <= sTmax ? Math.min(sChurn / (sigmas.length - 1), Math.sqrt(2) - 1) : 0;
                double sigmaHat = sigma * (gamma + 1);
                Latent s = sample;
                if (gamma > 0) {
                    double churn = sNoise * Math.sqrt(sigmaHat * sigmaHat - sigma * sigma);
                    s = Latents.sum(1, s, churn, noise.noise(sigma, sigmas[k + 1], out));
                }
                // diffusers: epsilon at sigma_hat, v_prediction at sigma
                Latent x0 = prediction == Prediction.EPSILON ? Latents.sum(1, s, -sigmaHat, out) : x0(s, out, sigma);
                return euler(s, x0, sigmaHat, sigmas[k + 1] - sigmaHat);
            }
            case EDM_EULER: {
                float sigma = (float) sigmas[k];
                double gamma = sTmin <= sigma && sigma <= sTmax ? Math.min(sChurn / (sigmas.length - 1), Math.sqrt(2) - 1) : 0;
                float sigmaHat = (float) (sigma * (gamma + 1));
                Latent s = sample;
                if (gamma > 0) {
                    double churn = sNoise * Math.sqrt(sigmaHat * sigmaHat - sigma * sigma);
                    s = Latents.sum(1, s, churn, noise.noise(sigma, sigmas[k + 1], out));
                }
                Latent x0 = VpSolverMath.edmOutputs(prediction, sigmaData, sigmaHat, out, s);
                return euler(s, x0, sigmaHat, (float) (sigmas[k + 1] - sigmaHat));
            }
            case FLOW_EULER: {
                float sigma = (float) sigmas[k];
                float next = (float) sigmas[k + 1];
                if (!stochastic) return Latents.sum(1, sample, next - sigma, out);
                Latent x0 = Latents.sum(1, sample, -sigma, out);
                return Latents.sum(1f - next, x0, next, noise.noise(sigma, next, sample));
            }
            case EULER_ANCESTRAL: {
                double from = sigmas[k];
                double to = sigmas[k + 1];
                double sigmaUp = Math.sqrt(to * to * (from * from - to * to) / (from * from));
                double sigmaDown = Math.sqrt(to * to - sigmaUp * sigmaUp);
                Latent prev = euler(sample, x0(sample, out, from), from, sigmaDown - from);
                return Latents.sum(1, prev, sigmaUp, noise.noise(from, to, out));
            }
            case HEUN: {
                if (firstOrder()) {
                    double sigma = sigmas[k];
                    Latent d = derivative(sample, x0(sample, out, sigma), sigma);
                    storedDt = sigmas[k + 1] - sigma;
                    prevDerivative = d;
                    stored = sample;
                    return Latents.sum(1, sample, storedDt, d);
                }
                double sigmaNext = sigmas[k];
                Latent d = derivative(sample, x0(sample, out, sigmaNext), sigmaNext);
                Latent prev = Latents.sum(1, stored, storedDt / 2, prevDerivative, storedDt / 2, d);
                stored = null;
                prevDerivative = null;
                return prev;
            }
            case KDPM2: {
                if (firstOrder()) {
                    double sigma = sigmas[k];
                    stored = sample;
                    return euler(sample, x0(sample, out, sigma), sigma, interpol[k + 1] - sigma);
                }
                double sigmaI = interpol[k];
                Latent d = derivative(sample, x0(sample, out, sigmaI), sigmaI);
                Latent prev = Latents.sum(1, stored, sigmas[k] - sigmas[k - 1], d);
                stored = null;
                return prev;
            }
            case KDPM2_ANCESTRAL: {
                if (firstOrder()) {
                    double sigma = sigmas[k];
                    stored = sample;
                    return euler(sample, x0(sample, out, sigma), sigma, interpol[k] - sigma);
                }
                double sigmaI = interpol[k - 1];
                Latent d = derivative(sample, x0(sample, out, sigmaI), sigmaI);
                Latent prev = Latents.sum(1, stored, down[k - 1] - sigmas[k - 1], d);
                stored = null;
                return Latents.sum(1, prev, up[k - 1], noise.noise(sigmas[k - 1], down[k - 1], out));
            }
            case LMS: {
                double sigma = sigmas[k];
                derivatives.add(derivative(sample, x0(sample, out, sigma), sigma));
                if (derivatives.size() > lmsOrder) derivatives.remove(0);
                // diffusers takes the order from the step index and zips with the derivatives it holds
                int order = Math.min(k + 1, lmsOrder);
                double[] c = LmsCoefficients.of(sigmas, k, order);
                int terms = Math.min(order, derivatives.size());
                double[] coeffs = new double[terms + 1];
                Latent[] xs = new Latent[terms + 1];
                coeffs[0] = 1;
                xs[0] = sample;
                for (int j = 0; j < terms; j++) {
                    coeffs[j + 1] = c[j];
                    xs[j + 1] = derivatives.get(derivatives.size() - 1 - j);
                }
                return Latents.sum(coeffs, xs);
            }
            default:
                throw new IllegalStateException(kind.toString());
        }
    }
}
