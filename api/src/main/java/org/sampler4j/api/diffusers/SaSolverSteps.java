package org.sampler4j.api.diffusers;

import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * {@code step} of diffusers' {@code SASolverScheduler} on the sample it is given, with diffusers' state: the converted
 * outputs of the last {@code max(predictor_order, corrector_order - 1)} calls, {@code lower_order_nums}, and for the
 * corrector the previous step's (corrected) input {@code last_sample}, its noise {@code last_noise}, its timestep and
 * {@code this_corrector_order}. The stochastic Adams-Bashforth predictor and Adams-Moulton corrector integrate the
 * Lagrange interpolant of the outputs in log-SNR exactly (data or noise prediction), with diffusers' default
 * {@code tau_func} (1 for {@code 200 <= t <= 800}, else 0) and its simplified order-2 coefficients for data prediction.
 * One normal tensor is drawn per step from the noise source, as diffusers draws from its generator. As in diffusers,
 * the corrector recomputes the current sample from {@code last_sample}: an edit reaches the next step through the
 * model output only. All scalars are float32 in diffusers' order.
 *
 * <p>Provenance: Xue et al. 2023, "SA-Solver: Stochastic Adams Solver for Fast Sampling of Diffusion Models"
 * (algorithms 1-2, appendix B coefficients); diffusers {@code scheduling_sasolver.py}
 * {@code get_coefficients_exponential_negative}, {@code get_coefficients_exponential_positive},
 * {@code lagrange_polynomial_coefficient}, {@code stochastic_adams_bashforth_update},
 * {@code stochastic_adams_moulton_update}, {@code step}.
 */
final class SaSolverSteps implements ClassSteps {
    static final String CLASS = "SASolverScheduler";

    private final VpSolverMath m;
    private final boolean predictX0;
    private final int predictorOrder;
    private final int correctorOrder;
    private final int historySize;
    private final boolean lowerOrderFinal;
    private final int steps;
    private final NoiseSource noise;
    private final VpSolverMath.History outputs;
    private int lowerOrderNums;
    private Latent lastSample;
    private Latent lastNoise;
    private double lastTimestep;
    private int thisCorrectorOrder;

    /** Whether this config steps natively here (not with a custom {@code tau_func}). */
    static boolean handles(DiffusersConfig cfg) {
        return cfg.className().equals(CLASS) && !cfg.has("tau_func");
    }

    SaSolverSteps(DiffusersConfig cfg, DiffusersTimesteps ts, NoiseSource noise) {
        this.m = new VpSolverMath(cfg, ts);
        this.predictX0 = cfg.str("algorithm_type").equals("data_prediction");
        if (!predictX0 && cfg.bool("thresholding")) {
            throw new ScheduleException(CLASS + ": thresholding with algorithm_type 'noise_prediction' fails in diffusers (it indexes alpha_t"
                    + " by a missing timestep); use data_prediction or thresholding=false");
        }
        this.predictorOrder = cfg.integer("predictor_order");
        this.correctorOrder = cfg.integer("corrector_order");
        if (predictorOrder < 1 || predictorOrder > 4 || correctorOrder < 1 || correctorOrder > 4) {
            throw new ScheduleException(CLASS + ": predictor_order and corrector_order must be 1 to 4 (diffusers' coefficients), got "
                    + predictorOrder + " and " + correctorOrder);
        }
        this.historySize = Math.max(predictorOrder, correctorOrder - 1);
        this.lowerOrderFinal = cfg.bool("lower_order_final");
        this.steps = ts.timesteps().length;
        this.noise = noise;
        this.outputs = new VpSolverMath.History(historySize);
    }

    /** diffusers' default {@code tau_func}: 1 for {@code 200 <= t <= 800}, else 0. */
    private static int tau(double t) {
        return t >= 200 && t <= 800 ? 1 : 0;
    }

    @Override
    public Latent step(Latent modelOutput, double t, Latent sample, int index) {
        boolean useCorrector = index > 0 && lastSample != null;
        Latent converted = predictX0 ? m.data(modelOutput, sample, index) : m.noise(modelOutput, sample, index, false);
        if (useCorrector) sample = corrector(converted, index);
        outputs.push(converted);
        lastTimestep = t;
        Latent z = noise.noise(m.sigma(index), m.sigma(index + 1), modelOutput);
        int p = lowerOrderFinal ? Math.min(predictorOrder, steps - index) : predictorOrder;
        int c = lowerOrderFinal ? Math.min(correctorOrder, steps - index + 1) : correctorOrder;
        int thisPredictorOrder = Math.min(p, lowerOrderNums + 1);
        thisCorrectorOrder = Math.min(c, lowerOrderNums + 2);
        lastSample = sample;
        lastNoise = z;
        Latent prev = predictor(sample, z, thisPredictorOrder, tau(t), index);
        if (lowerOrderNums < historySize) lowerOrderNums++;
        return prev;
    }

    /** Stochastic Adams-Bashforth from {@code sigmas[i]} to {@code sigmas[i + 1]} over the last {@code order} outputs. */
    private Latent predictor(Latent x, Latent z, int order, int tau, int i) {
        Latent[] models = new Latent[order];
        for (int j = 0; j < order; j++) models[j] = outputs.back(j);
        float lambdaT = m.lambda(i + 1);
        float lambdaS0 = m.lambda(i);
        float[] coeffs = coefficients(order, i, lambdaS0, lambdaT, tau);
        if (predictX0 && order == 2) {
            // diffusers' simplified order-2 data-prediction coefficients
            float h = lambdaT - lambdaS0;
            float k = 1 + tau * tau;
            float shift = 1.0f * VpSolverMath.exp(k * lambdaT) * ((h * h) / 2 - (h * k - 1 + VpSolverMath.exp(k * -h)) / (k * k))
                    / (lambdaS0 - m.lambda(i - 1));
            coeffs[0] += shift;
            coeffs[1] -= shift;
        }
        return update(x, z, models, coeffs, tau, i, i + 1);
    }

    /** Stochastic Adams-Moulton of the previous step ({@code sigmas[i - 1]} to {@code sigmas[i]}), with the output at its end. */
    private Latent corrector(Latent converted, int i) {
        int order = thisCorrectorOrder;
        int tau = tau(lastTimestep);
        Latent[] models = new Latent[order];
        models[0] = converted;
        for (int j = 1; j < order; j++) models[j] = outputs.back(j - 1);
        float lambdaT = m.lambda(i);
        float lambdaS0 = m.lambda(i - 1);
        float[] coeffs = coefficients(order, i, lambdaS0, lambdaT, tau);
        if (predictX0 && order == 2) {
            float h = lambdaT - lambdaS0;
            float k = 1 + tau * tau;
            float shift = 1.0f * VpSolverMath.exp(k * lambdaT) * (h / 2 - (h * k - 1 + VpSolverMath.exp(k * -h)) / (k * k * h));
            coeffs[0] += shift;
            coeffs[1] -= shift;
        }
        return update(lastSample, lastNoise, models, coeffs, tau, i - 1, i);
    }

    /** {@code x_t} from {@code x} at {@code sigmas[from]} to {@code sigmas[to]}: decay, gradient part, noise part. */
    private Latent update(Latent x, Latent z, Latent[] models, float[] coeffs, int tau, int from, int to) {
        float alphaT = m.alpha(to);
        float sigmaT = m.sigmaT(to);
        float lambdaT = m.lambda(to);
        float h = lambdaT - m.lambda(from);
        int k = 1 + tau * tau;
        double[] c = new double[models.length + 2];
        Latent[] terms = new Latent[models.length + 2];
        if (predictX0) {
            c[0] = VpSolverMath.exp(-(tau * tau) * h) * (sigmaT / m.sigmaT(from));
            float weight = k * sigmaT * VpSolverMath.exp(-(tau * tau) * lambdaT);
            for (int j = 0; j < models.length; j++) c[j + 1] = weight * coeffs[j];
            c[c.length - 1] = sigmaT * VpSolverMath.sqrt(1 - VpSolverMath.exp(-2 * tau * tau * h));
        } else {
            c[0] = alphaT / m.alpha(from);
            float weight = -k * alphaT;
            for (int j = 0; j < models.length; j++) c[j + 1] = weight * coeffs[j];
            c[c.length - 1] = tau * sigmaT * VpSolverMath.sqrt(VpSolverMath.exp(2 * h) - 1);
        }
        terms[0] = x;
        System.arraycopy(models, 0, terms, 1, models.length);
        terms[terms.length - 1] = z;
        return Latents.sum(c, terms);
    }

    /**
     * diffusers' {@code get_coefficients_fn}: the weight of each output in the exact integral of their Lagrange
     * interpolant in log-SNR over {@code [start, end]}; the nodes are {@code lambda(sigmas[top - j])}, {@code j < order}.
     */
    private float[] coefficients(int order, int top, float start, float end, int tau) {
        float[] nodes = new float[order];
        for (int j = 0; j < order; j++) nodes[j] = m.lambda(top - j);
        float[][] lagrange = lagrange(nodes);
        float[] out = new float[order];
        for (int i = 0; i < order; i++) {
            float acc = 0;
            for (int j = 0; j < order; j++) {
                int power = order - 1 - j;
                acc += lagrange[i][j] * (predictX0 ? positive(power, start, end, tau) : negative(power, start, end));
            }
            out[i] = acc;
        }
        return out;
    }

    /** {@code integral_start^end exp(-lambda) lambda^k d lambda}, diffusers' {@code get_coefficients_exponential_negative} (k <= 3). */
    private static float negative(int k, float s, float e) {
        float decay = VpSolverMath.exp(-e);
        float grow = VpSolverMath.exp(e - s);
        return switch (k) {
            case 0 -> decay * (grow - 1);
            case 1 -> decay * ((s + 1) * grow - (e + 1));
            case 2 -> decay * ((s * s + 2 * s + 2) * grow - (e * e + 2 * e + 2));
            default -> decay * ((s * s * s + 3 * (s * s) + 6 * s + 6) * grow - (e * e * e + 3 * (e * e) + 6 * e + 6));
        };
    }

    /**
     * {@code integral_start^end exp((1 + tau^2) lambda) lambda^k d lambda}, diffusers'
     * {@code get_coefficients_exponential_positive} (k <= 3).
     */
    private static float positive(int k, float s, float e, int tau) {
        int q = 1 + tau * tau;
        float ec = q * e;
        float sc = q * s;
        float grow = VpSolverMath.exp(ec);
        float decay = VpSolverMath.exp(-(ec - sc));
        return switch (k) {
            case 0 -> grow * (1 - decay) / q;
            case 1 -> grow * ((ec - 1) - (sc - 1) * decay) / (q * q);
            case 2 -> grow * ((ec * ec - 2 * ec + 2) - (sc * sc - 2 * sc + 2) * decay) / (q * q * q);
            default -> grow * ((ec * ec * ec - 3 * (ec * ec) + 6 * ec - 6) - (sc * sc * sc - 3 * (sc * sc) + 6 * sc - 6) * decay) / (q * q * q * q);
        };
    }

    /**
     * diffusers' {@code lagrange_polynomial_coefficient}: row {@code i} holds the coefficients of the Lagrange basis
     * polynomial of node {@code i}, highest power first (float32, diffusers' order of operations).
     */
    private static float[][] lagrange(float[] l) {
        int n = l.length;
        if (n == 1) return new float[][] {{1}};
        float[][] out = new float[n][n];
        for (int i = 0; i < n; i++) {
            float denominator = 1;
            boolean first = true;
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                denominator = first ? l[i] - l[j] : denominator * (l[i] - l[j]);
                first = false;
            }
            float[] others = new float[n - 1];
            int o = 0;
            for (int j = 0; j < n; j++) if (j != i) others[o++] = l[j];
            out[i][0] = 1 / denominator;
            if (n == 2) {
                out[i][1] = -others[0] / denominator;
            } else if (n == 3) {
                out[i][1] = (-others[0] - others[1]) / denominator;
                out[i][2] = others[0] * others[1] / denominator;
            } else {
                out[i][1] = (-others[0] - others[1] - others[2]) / denominator;
                out[i][2] = (others[0] * others[1] + others[0] * others[2] + others[1] * others[2]) / denominator;
                out[i][3] = (-others[0] * others[1] * others[2]) / denominator;
            }
        }
        return out;
    }
}
