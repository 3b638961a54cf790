package org.sampler4j.plugins.samplers;

import java.util.ArrayList;
import java.util.List;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplerStorage;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.generators.ComfyModelSampling;

/**
 * The SA-Solver loop (Xue et al. 2023): a stochastic Adams-Bashforth predictor and a stochastic Adams-Moulton
 * corrector in {@code lambda = -log sigma}, with {@code tau(sigma) = eta} inside {@code [tau_end_sigma,
 * tau_start_sigma]} and 0 outside. The corrector reuses the predictor's noise; PECE re-evaluates the model on the
 * corrected state. Option {@code reference} selects ComfyUI's {@code sample_sa_solver} (tau at the step's target,
 * noise drawn only when used, orders lowered at the end only when the schedule ends at 0, no corrector into sigma 0)
 * or diffusers' {@code SASolverScheduler.step} (tau at the step's start, a draw every step, orders lowered at the end).
 */
final class SaSolverLoop {
    static final String COMFYUI = "comfyui";
    static final String DIFFUSERS = "diffusers";
    static final String DATA = "data_prediction";
    static final String NOISE = "noise_prediction";

    /** ComfyUI's default tau interval: {@code percent_to_sigma(0.2)} .. {@code (0.8)} of the SD1.x/SDXL discrete table. */
    private static final ComfyModelSampling SD = ComfyModelSampling.sd15();

    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.number("eta", 1.0, 0.0, null, "stochasticity tau inside the SDE interval (0 = the ODE)"),
            OptionSpec.number("tau_start_sigma", SD.percentToSigma(0.2), 0.0, null, "largest sigma that gets tau = eta (default: percent 0.2 of SD1.x)"),
            OptionSpec.number("tau_end_sigma", SD.percentToSigma(0.8), 0.0, null, "smallest sigma that gets tau = eta (default: percent 0.8 of SD1.x)"),
            OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise"),
            OptionSpec.integer("predictor_order", 3, 1, 6, "stochastic Adams-Bashforth order"),
            OptionSpec.integer("corrector_order", 4, 0, 6, "stochastic Adams-Moulton order (0 = no corrector)"),
            OptionSpec.bool("simple_order_2", false, "order-2 steps use the paper's simplified coefficients (data prediction)"),
            OptionSpec.choice("algorithm", DATA, List.of(DATA, NOISE), "integrate the data (x0) or the noise (eps) prediction"),
            OptionSpec.choice("reference", COMFYUI, List.of(COMFYUI, DIFFUSERS), "ComfyUI's sample_sa_solver or diffusers' SASolverScheduler"));

    private SaSolverLoop() {}

    static Latent run(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx, boolean pece) {
        int n = sigmas.length - 1;
        if (n < 1) return x;
        boolean diffusers = o.choice("reference").equals(DIFFUSERS);
        boolean data = o.choice("algorithm").equals(DATA);
        boolean simple2 = o.bool("simple_order_2") && data;
        double sNoise = o.number("s_noise");
        int p = o.integer("predictor_order");
        int c = o.integer("corrector_order");
        boolean lowerAtEnd = diffusers || sigmas[n] == 0;
        double[] lambdas = new double[n + 1];
        for (int i = 0; i <= n; i++) lambdas[i] = sigmas[i] > 0 ? ExpIntegrator.lambda(sigmas[i]) : Double.POSITIVE_INFINITY;
        List<Latent> outs = new ArrayList<>();
        Latent xPred = x;
        Latent noise = null;
        double tau = 0;
        int kept = Math.max(p, c);
        SamplerStorage storage = new SamplerStorage(model);
        // x, the corrected x, the prediction and the noised prediction: x stays valid until the next step's corrector
        LatentRing xs = storage.ring(4);
        // the outputs kept; PECE replaces each step's first output by a second, so the kept ones are every other write
        LatentRing outputs = storage.ring(pece ? 2 * kept - 1 : kept);
        LatentRing ds = data ? outputs : storage.ring(1);
        LatentRing noises = storage.ring(1); // the predictor's scaled noise, reused by the next step's corrector
        for (int i = 0; i < n; i++) {
            double sigma = sigmas[i];
            Latent denoised = storage.denoise(xPred, sigma, ds);
            outs.add(data ? denoised : outputs.toD(xPred, sigma, denoised));
            if (outs.size() > kept) outs.remove(0);
            int pOrder = Math.min(p, outs.size());
            int cOrder = i == 0 || (sigmas[i + 1] == 0 && !pece && !diffusers) ? 0 : Math.min(c, outs.size());
            if (lowerAtEnd) {
                pOrder = Math.min(pOrder, diffusers ? n - i : n - 1 - i);
                cOrder = Math.min(cOrder, diffusers ? n - i + 2 : n - i);
            }
            if (cOrder == 0) {
                x = xPred;
            } else {
                x = step(x, outs, lambdas, i - 1, i, cOrder, sigmas[i - 1], sigma, tau, data, simple2, true, xs);
                if (noise != null) x = xs.sum(1, x, 1, noise);
                if (pece) {
                    denoised = storage.denoise(x, sigma, ds);
                    outs.set(outs.size() - 1, data ? denoised : outputs.toD(x, sigma, denoised));
                }
            }
            double sigmaNext = sigmas[i + 1];
            if (sigmaNext == 0) {
                xPred = denoised;
            } else {
                tau = tau(o, diffusers ? sigma : sigmaNext);
                xPred = step(x, outs, lambdas, i, i + 1, pOrder, sigma, sigmaNext, tau, data, simple2, false, xs);
                double h = lambdas[i + 1] - lambdas[i];
                double std = sNoise * (data ? sigmaNext * Math.sqrt(-Math.expm1(-2 * tau * tau * h)) : tau * sigmaNext * Math.sqrt(Math.expm1(2 * h)));
                noise = diffusers || (tau > 0 && sNoise > 0) ? noises.scale(std, ctx.noise().noise(sigma, sigmaNext, x)) : null;
                if (noise != null) xPred = xs.sum(1, xPred, 1, noise);
            }
            ctx.step(i, sigmas, xPred, denoised);
        }
        return xPred;
    }

    /** {@code tau(sigma)}: eta inside the interval, else 0. */
    static double tau(SamplerOptions o, double sigma) {
        double eta = o.number("eta");
        return eta > 0 && o.number("tau_start_sigma") >= sigma && sigma >= o.number("tau_end_sigma") ? eta : 0.0;
    }

    /**
     * One stochastic Adams step from index {@code s} to {@code t} with the last {@code order} outputs (noise not
     * included), written into {@code xs}.
     */
    private static Latent step(Latent x, List<Latent> outs, double[] lambdas, int s, int t, int order, double sigmaS, double sigmaT,
                               double tau, boolean data, boolean simple2, boolean corrector, LatentRing xs) {
        int newest = corrector ? t : s; // node of the newest output
        double[] nodes = new double[order];
        Latent[] terms = new Latent[order + 1];
        for (int k = 0; k < order; k++) {
            nodes[k] = lambdas[newest - order + 1 + k];
            terms[k + 1] = outs.get(outs.size() - order + k);
        }
        terms[0] = x;
        double lambdaS = lambdas[s];
        double lambdaT = lambdas[t];
        double[] coeffs = new double[order + 1];
        if (data) {
            double[] b = simple2 && order == 2 ? StochasticAdams.simpleOrder2(nodes, lambdaS, lambdaT, tau, corrector)
                    : StochasticAdams.dataWeights(nodes, lambdaS, lambdaT, tau);
            coeffs[0] = sigmaT / sigmaS * Math.exp(-tau * tau * (lambdaT - lambdaS));
            System.arraycopy(b, 0, coeffs, 1, order);
        } else {
            double[] g = StochasticAdams.noiseWeights(nodes, lambdaS, lambdaT, sigmaT);
            coeffs[0] = 1;
            for (int k = 0; k < order; k++) coeffs[k + 1] = -(1 + tau * tau) * g[k];
        }
        return xs.sum(coeffs, terms);
    }
}
