package org.sampler4j.api.diffusers;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * {@code step} of diffusers' {@code UniPCMultistepScheduler} on the sample it is given, with diffusers' state: the
 * converted outputs of the last {@code solver_order} calls, {@code lower_order_nums}, and for the corrector the
 * previous step's (corrected) input {@code last_sample} and order {@code this_order}. B(h) = h ({@code bh1}) or
 * {@code expm1(h)} ({@code bh2}; diffusers maps midpoint, heun and logrho to it), data ({@code predict_x0}) or noise
 * prediction, {@code disable_corrector}, {@code lower_order_final}, VP or flow sigmas. As in diffusers, the corrector
 * (UniC) recomputes the current sample from {@code last_sample}: an edit of the sample between two steps reaches the
 * next step through the model output only.
 *
 * <p>Provenance: Zhao et al. 2023, "UniPC: A Unified Predictor-Corrector Framework for Fast Sampling of Diffusion
 * Models" (algorithms 1-2, B(h) variants); diffusers {@code scheduling_unipc_multistep.py}
 * {@code multistep_uni_p_bh_update}, {@code multistep_uni_c_bh_update}, {@code step}.
 */
final class UniPcSteps implements ClassSteps {
    static final String CLASS = "UniPCMultistepScheduler";

    private final VpSolverMath m;
    private final boolean predictX0;
    private final boolean bh1;
    private final int order;
    private final boolean lowerOrderFinal;
    private final Set<Integer> disableCorrector = new HashSet<>();
    private final int steps;
    private final VpSolverMath.History outputs;
    private int lowerOrderNums;
    private Latent lastSample;
    private int thisOrder;

    /** Whether this config steps natively here (not with {@code solver_p}, another scheduler as predictor). */
    static boolean handles(DiffusersConfig cfg) {
        return cfg.className().equals(CLASS) && cfg.get("solver_p") == null;
    }

    UniPcSteps(DiffusersConfig cfg, DiffusersTimesteps ts) {
        this.m = new VpSolverMath(cfg, ts);
        this.predictX0 = cfg.bool("predict_x0");
        if (!predictX0 && m.prediction() == org.sampler4j.api.model.Prediction.FLOW) {
            throw new ScheduleException(CLASS + ": prediction_type 'flow_prediction' needs predict_x0=True (diffusers raises)");
        }
        this.bh1 = "bh1".equals(cfg.str("solver_type"));
        this.order = cfg.integer("solver_order");
        if (order < 1) throw new ScheduleException(CLASS + ": solver_order must be at least 1, got " + order);
        this.lowerOrderFinal = cfg.bool("lower_order_final");
        if (cfg.get("disable_corrector") instanceof List<?> list) {
            for (Object o : list) disableCorrector.add(((Number) o).intValue());
        }
        this.steps = ts.timesteps().length;
        this.outputs = new VpSolverMath.History(order);
    }

    @Override
    public Latent step(Latent modelOutput, double t, Latent sample, int index) {
        boolean useCorrector = index > 0 && !disableCorrector.contains(index - 1) && lastSample != null;
        Latent converted = predictX0 ? m.data(modelOutput, sample, index) : m.noise(modelOutput, sample, index, false);
        if (useCorrector) sample = update(converted, lastSample, index - 1, thisOrder, true);
        outputs.push(converted);
        int wanted = lowerOrderFinal ? Math.min(order, steps - index) : order;
        thisOrder = Math.min(wanted, lowerOrderNums + 1);
        lastSample = sample;
        Latent prev = update(null, sample, index, thisOrder, false);
        if (lowerOrderNums < order) lowerOrderNums++;
        return prev;
    }

    /**
     * The UniP predictor from {@code sigmas[s]} to {@code sigmas[s + 1]}, or the UniC corrector of that step with the
     * model output {@code modelT} at its end; {@code x} is the sample at {@code sigmas[s]}, the history's newest entry
     * the output there.
     */
    private Latent update(Latent modelT, Latent x, int s, int k, boolean corrector) {
        float alphaT = m.alpha(s + 1);
        float sigmaT = m.sigmaT(s + 1);
        float lambdaS0 = m.lambda(s);
        float h = m.lambda(s + 1) - lambdaS0;
        Latent m0 = outputs.back(0);
        float[] rks = new float[k];
        Latent[] d1s = new Latent[k - 1];
        for (int j = 1; j < k; j++) {
            float rk = (m.lambda(s - j) - lambdaS0) / h;
            rks[j - 1] = rk;
            d1s[j - 1] = Latents.sum(1f / rk, outputs.back(j), -(1f / rk), m0);
        }
        rks[k - 1] = 1f;
        float hh = predictX0 ? -h : h;
        float hPhi1 = VpSolverMath.expm1(hh);
        float bH = bh1 ? hh : VpSolverMath.expm1(hh);
        double[] nodes = new double[k];
        double[] b = new double[k];
        float hPhiK = hPhi1 / hh - 1f;
        long factorial = 1;
        for (int row = 0; row < k; row++) {
            nodes[row] = rks[row];
            b[row] = hPhiK * factorial / bH;
            factorial *= row + 2;
            hPhiK = hPhiK / hh - (float) (1.0 / factorial);
        }
        // x_t_ = sigma_t / sigma_s0 * x - alpha_t * h_phi_1 * m0 (data), alpha_t / alpha_s0 * x - sigma_t * h_phi_1 * m0 (noise)
        double cx = predictX0 ? sigmaT / m.sigmaT(s) : alphaT / m.alpha(s);
        float scale = predictX0 ? alphaT : sigmaT;
        double c0 = -(scale * hPhi1);
        double cRes = -(scale * bH);
        double[] rhos;
        if (corrector) {
            rhos = k == 1 ? new double[] {0.5} : f32(Numerics.solveVandermonde(nodes, b));
        } else {
            // R[:-1, :-1] rho = b[:-1]: the nodes but the last (1)
            rhos = k == 2 ? new double[] {0.5} : k == 1 ? new double[0] : f32(Numerics.solveVandermonde(Arrays.copyOf(nodes, k - 1), Arrays.copyOf(b, k - 1)));
        }
        double[] coeffs = new double[2 + (k - 1) + (corrector ? 1 : 0)];
        Latent[] terms = new Latent[coeffs.length];
        coeffs[0] = cx;
        terms[0] = x;
        coeffs[1] = c0;
        terms[1] = m0;
        for (int j = 0; j < k - 1; j++) {
            coeffs[2 + j] = cRes * rhos[j];
            terms[2 + j] = d1s[j];
        }
        if (!corrector && k == 1) {
            // diffusers' pred_res is the scalar 0 here: an infinite B(h) (bh1 to sigma 0) makes the result NaN
            coeffs = Arrays.copyOf(coeffs, 3);
            terms = Arrays.copyOf(terms, 3);
            coeffs[2] = cRes * 0.0;
            terms[2] = m0;
        }
        if (corrector) {
            // D1_t = model_t - m0, weighted by the last rho
            coeffs[coeffs.length - 1] = cRes * rhos[k - 1];
            terms[terms.length - 1] = Latents.sum(1, modelT, -1, m0);
        }
        return Latents.sum(coeffs, terms);
    }

    /** The solution as diffusers holds it ({@code .to(x.dtype)}: float32). */
    private static double[] f32(double[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) out[i] = (float) xs[i];
        return out;
    }
}
