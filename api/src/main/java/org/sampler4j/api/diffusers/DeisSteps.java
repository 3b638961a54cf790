package org.sampler4j.api.diffusers;

import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * {@code step} of diffusers' {@code DEISMultistepScheduler} (log-rho, the only {@code algorithm_type} it implements)
 * on the sample it is given, with diffusers' state: the noise predictions of the last {@code solver_order} calls and
 * {@code lower_order_nums}. The data prediction is converted to the noise prediction through {@code x0}
 * (thresholding applies there); orders above 3 step as third order, as in diffusers; {@code lower_order_final} lowers
 * the last two steps of schedules shorter than 15. The Lagrange integrals in {@code rho = sigma_t / alpha_t} are
 * float32 expressions in diffusers' order.
 *
 * <p>Provenance: Zhang and Chen 2023, "Fast Sampling of Diffusion Models with Exponential Integrator" (DEIS, rho-AB,
 * log-rho); diffusers {@code scheduling_deis_multistep.py} {@code deis_first_order_update},
 * {@code multistep_deis_second_order_update}, {@code multistep_deis_third_order_update}, {@code step}.
 */
final class DeisSteps implements ClassSteps {
    static final String CLASS = "DEISMultistepScheduler";

    private final VpSolverMath m;
    private final int order;
    private final boolean lowerOrderFinal;
    private final int steps;
    private final VpSolverMath.History outputs;
    private int lowerOrderNums;

    DeisSteps(DiffusersConfig cfg, DiffusersTimesteps ts) {
        this.m = new VpSolverMath(cfg, ts);
        this.order = cfg.integer("solver_order");
        if (order < 1) throw new ScheduleException(CLASS + ": solver_order must be at least 1, got " + order);
        this.lowerOrderFinal = cfg.bool("lower_order_final");
        this.steps = ts.timesteps().length;
        this.outputs = new VpSolverMath.History(order);
    }

    @Override
    public Latent step(Latent modelOutput, double t, Latent sample, int index) {
        boolean few = lowerOrderFinal && steps < 15;
        Latent eps = m.epsFromData(m.data(modelOutput, sample, index), sample, index);
        outputs.push(eps);
        Latent prev;
        if (order == 1 || lowerOrderNums < 1 || (index == steps - 1 && few)) {
            float h = m.lambda(index + 1) - m.lambda(index);
            double cx = m.alpha(index + 1) / m.alpha(index);
            double c0 = -(m.sigmaT(index + 1) * (VpSolverMath.exp(h) - 1f));
            prev = Latents.sum(cx, sample, c0, eps);
        } else if (order == 2 || lowerOrderNums < 2 || (index == steps - 2 && few)) {
            float rhoT = rho(index + 1);
            float rho0 = rho(index);
            float rho1 = rho(index - 1);
            float alphaT = m.alpha(index + 1);
            float c1 = alphaT * (second(rhoT, rho0, rho1) - second(rho0, rho0, rho1));
            float c2 = alphaT * (second(rhoT, rho1, rho0) - second(rho0, rho1, rho0));
            double cx = alphaT * (1f / m.alpha(index));
            prev = Latents.sum(cx, sample, c1, eps, c2, outputs.back(1));
        } else {
            float rhoT = rho(index + 1);
            float rho0 = rho(index);
            float rho1 = rho(index - 1);
            float rho2 = rho(index - 2);
            float alphaT = m.alpha(index + 1);
            float c1 = alphaT * (third(rhoT, rho0, rho1, rho2) - third(rho0, rho0, rho1, rho2));
            float c2 = alphaT * (third(rhoT, rho1, rho2, rho0) - third(rho0, rho1, rho2, rho0));
            float c3 = alphaT * (third(rhoT, rho2, rho0, rho1) - third(rho0, rho2, rho0, rho1));
            double cx = alphaT * (1f / m.alpha(index));
            prev = Latents.sum(new double[] {cx, c1, c2, c3}, new Latent[] {sample, eps, outputs.back(1), outputs.back(2)});
        }
        if (lowerOrderNums < order) lowerOrderNums++;
        return prev;
    }

    /** {@code rho = sigma_t / alpha_t} of {@code sigmas[i]}. */
    private float rho(int i) {
        return m.sigmaT(i) / m.alpha(i);
    }

    /** The integral of the linear Lagrange basis through {@code b}, {@code c} in log-rho, at {@code t}. */
    private static float second(float t, float b, float c) {
        float lt = VpSolverMath.log(t);
        float lc = VpSolverMath.log(c);
        return t * (-lc + lt - 1f) / (VpSolverMath.log(b) - lc);
    }

    /** The integral of the quadratic Lagrange basis through {@code b}, {@code c}, {@code d} in log-rho, at {@code t}. */
    private static float third(float t, float b, float c, float d) {
        float lt = VpSolverMath.log(t);
        float lb = VpSolverMath.log(b);
        float lc = VpSolverMath.log(c);
        float ld = VpSolverMath.log(d);
        float numerator = t * (lc * (ld - lt + 1f) - ld * lt + ld + lt * lt - 2f * lt + 2f);
        float denominator = (lb - lc) * (lb - ld);
        return numerator / denominator;
    }
}
