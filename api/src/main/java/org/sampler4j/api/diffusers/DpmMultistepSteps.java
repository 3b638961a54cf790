package org.sampler4j.api.diffusers;

import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;

/**
 * {@code step} of diffusers' {@code DPMSolverMultistepScheduler} and {@code DPMSolverMultistepInverseScheduler} on the
 * sample it is given, with diffusers' state: the converted outputs of the last {@code solver_order} calls
 * ({@code model_outputs}) and {@code lower_order_nums}. All four algorithm types ({@code dpmsolver++},
 * {@code dpmsolver}, {@code sde-dpmsolver++}, {@code sde-dpmsolver}), orders 1 to 3, the midpoint and heun second-order
 * forms, {@code lower_order_final}, {@code euler_at_final} and {@code final_sigmas_type="zero"}'s first-order last step,
 * VP or flow sigmas. The SDE forms draw one normal tensor per step from the noise source, as diffusers draws from its
 * generator.
 *
 * <p>Provenance: Lu et al. 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic Models"
 * (multistep second and third order, SDE-DPM-Solver++); diffusers {@code scheduling_dpmsolver_multistep.py}
 * {@code dpm_solver_first_order_update}, {@code multistep_dpm_solver_second_order_update},
 * {@code multistep_dpm_solver_third_order_update}, {@code step}.
 */
final class DpmMultistepSteps implements ClassSteps {
    static final String CLASS = "DPMSolverMultistepScheduler";
    static final String EDM_CLASS = "EDMDPMSolverMultistepScheduler";

    private final VpSolverMath m;
    /** The data form ({@code dpmsolver++}, {@code sde-dpmsolver++}) rather than the noise form. */
    private final boolean data;
    private final boolean sde;
    private final boolean heun;
    private final int order;
    private final boolean lowerOrderFinal;
    private final boolean eulerAtFinal;
    /** The forward class with {@code final_sigmas_type="zero"}: the last step is first order. */
    private final boolean zeroFinal;
    private final int steps;
    private final NoiseSource noise;
    private final VpSolverMath.History outputs;
    private int lowerOrderNums;

    /** Whether the class has a native step here. */
    static boolean handles(String className) {
        return className.equals(CLASS) || className.equals(MultistepInverse.CLASS) || className.equals(EDM_CLASS);
    }

    DpmMultistepSteps(DiffusersConfig cfg, DiffusersTimesteps ts, NoiseSource noise) {
        // the same configurations as the sampler route: what diffusers cannot step (the inverse SDE forms give NaN, the
        // noise-form SDE has no third order) is refused here, before the loop, with the fix in the message
        DiffusersSchedules.route(cfg, java.util.Map.of());
        String className = cfg.className();
        this.m = new VpSolverMath(cfg, ts);
        String algorithm = cfg.str("algorithm_type");
        if (algorithm.equals("deis")) algorithm = "dpmsolver++"; // diffusers' alias
        this.data = algorithm.endsWith("dpmsolver++");
        this.sde = algorithm.startsWith("sde-");
        this.heun = "heun".equals(cfg.str("solver_type")); // logrho, bh1 and bh2 are midpoint in diffusers
        this.order = cfg.integer("solver_order");
        this.lowerOrderFinal = cfg.bool("lower_order_final");
        this.eulerAtFinal = cfg.bool("euler_at_final");
        this.zeroFinal = !className.equals(MultistepInverse.CLASS) && "zero".equals(cfg.str("final_sigmas_type"));
        this.steps = ts.timesteps().length;
        this.noise = noise;
        this.outputs = new VpSolverMath.History(order);
    }

    @Override
    public Latent scaleModelInput(Latent sample, double t, int index) {
        return m.edm() ? Latents.scale(m.edmInputScale(index), sample) : sample;
    }

    @Override
    public Latent step(Latent modelOutput, double t, Latent sample, int index) {
        boolean few = lowerOrderFinal && steps < 15;
        boolean firstAtEnd = index == steps - 1 && (eulerAtFinal || few || zeroFinal);
        boolean secondAtEnd = index == steps - 2 && few;
        Latent converted = data ? m.data(modelOutput, sample, index) : m.noise(modelOutput, sample, index);
        outputs.push(converted);
        Latent z = sde ? noise.noise(m.sigma(index), m.sigma(index + 1), modelOutput) : null;
        Latent prev;
        if (order == 1 || lowerOrderNums < 1 || firstAtEnd) {
            prev = firstOrder(converted, sample, z, index);
        } else if (order == 2 || lowerOrderNums < 2 || secondAtEnd) {
            prev = secondOrder(sample, z, index);
        } else {
            prev = thirdOrder(sample, z, index);
        }
        if (lowerOrderNums < order) lowerOrderNums++;
        return prev;
    }

    /** DPM-Solver-1 (DDIM in the data form): from {@code sigmas[i]} to {@code sigmas[i + 1]}. */
    private Latent firstOrder(Latent m0, Latent x, Latent z, int i) {
        float alphaT = m.alpha(i + 1);
        float sigmaT = m.sigmaT(i + 1);
        float alphaS = m.alpha(i);
        float sigmaS = m.sigmaT(i);
        float h = m.lambda(i + 1) - m.lambda(i);
        if (!sde) {
            double cx = data ? sigmaT / sigmaS : alphaT / alphaS;
            double c0 = data ? -(alphaT * (VpSolverMath.exp(-h) - 1f)) : -(sigmaT * (VpSolverMath.exp(h) - 1f));
            return Latents.sum(cx, x, c0, m0);
        }
        if (data) {
            float decay = VpSolverMath.exp(-2f * h);
            double cx = sigmaT / sigmaS * VpSolverMath.exp(-h);
            double c0 = alphaT * (1f - decay);
            double cz = sigmaT * VpSolverMath.sqrt(1f - decay);
            return Latents.sum(cx, x, c0, m0, cz, z);
        }
        double cx = alphaT / alphaS;
        double c0 = -2f * (sigmaT * (VpSolverMath.exp(h) - 1f));
        double cz = sigmaT * VpSolverMath.sqrt(VpSolverMath.exp(2f * h) - 1f);
        return Latents.sum(cx, x, c0, m0, cz, z);
    }

    /** Multistep DPM-Solver-2 from the last two outputs, midpoint or heun form. */
    private Latent secondOrder(Latent x, Latent z, int i) {
        float alphaT = m.alpha(i + 1);
        float sigmaT = m.sigmaT(i + 1);
        float lambdaS0 = m.lambda(i);
        float h = m.lambda(i + 1) - lambdaS0;
        float h0 = lambdaS0 - m.lambda(i - 1);
        float r0 = h0 / h;
        Latent m0 = outputs.back(0);
        Latent d1 = Latents.sum(1f / r0, m0, -(1f / r0), outputs.back(1));
        double cx;
        double c0;
        double c1;
        double cz = 0;
        if (data && !sde) {
            float phi = alphaT * (VpSolverMath.exp(-h) - 1f);
            cx = sigmaT / m.sigmaT(i);
            c0 = -phi;
            c1 = heun ? alphaT * ((VpSolverMath.exp(-h) - 1f) / h + 1f) : -0.5f * phi;
        } else if (!data && !sde) {
            float phi = sigmaT * (VpSolverMath.exp(h) - 1f);
            cx = alphaT / m.alpha(i);
            c0 = -phi;
            c1 = heun ? -(sigmaT * ((VpSolverMath.exp(h) - 1f) / h - 1f)) : -0.5f * phi;
        } else if (data) {
            float decay = VpSolverMath.exp(-2f * h);
            float phi = alphaT * (1f - decay);
            cx = sigmaT / m.sigmaT(i) * VpSolverMath.exp(-h);
            c0 = phi;
            c1 = heun ? alphaT * ((1f - decay) / (-2f * h) + 1f) : 0.5f * phi;
            cz = sigmaT * VpSolverMath.sqrt(1f - decay);
        } else {
            float phi = sigmaT * (VpSolverMath.exp(h) - 1f);
            cx = alphaT / m.alpha(i);
            c0 = -2f * phi;
            c1 = heun ? -2f * (sigmaT * ((VpSolverMath.exp(h) - 1f) / h - 1f)) : -phi;
            cz = sigmaT * VpSolverMath.sqrt(VpSolverMath.exp(2f * h) - 1f);
        }
        if (z == null) return Latents.sum(cx, x, c0, m0, c1, d1);
        return Latents.sum(cx, x, c0, m0, c1, d1, cz, z);
    }

    /** Multistep DPM-Solver-3 from the last three outputs (the route check refuses the noise-form SDE, which diffusers lacks). */
    private Latent thirdOrder(Latent x, Latent z, int i) {
        float alphaT = m.alpha(i + 1);
        float sigmaT = m.sigmaT(i + 1);
        float lambdaS0 = m.lambda(i);
        float lambdaS1 = m.lambda(i - 1);
        float h = m.lambda(i + 1) - lambdaS0;
        float r0 = (lambdaS0 - lambdaS1) / h;
        float r1 = (lambdaS1 - m.lambda(i - 2)) / h;
        Latent m0 = outputs.back(0);
        Latent m1 = outputs.back(1);
        Latent d10 = Latents.sum(1f / r0, m0, -(1f / r0), m1);
        Latent d11 = Latents.sum(1f / r1, m1, -(1f / r1), outputs.back(2));
        float w = r0 / (r0 + r1);
        float v = 1f / (r0 + r1);
        Latent d1 = Latents.sum(1 + (double) w, d10, -w, d11);
        Latent d2 = Latents.sum(v, d10, -v, d11);
        double cx;
        double c0;
        double c1;
        double c2;
        if (!sde) {
            float em = data ? VpSolverMath.exp(-h) : VpSolverMath.exp(h);
            float scale = data ? alphaT : sigmaT;
            cx = data ? sigmaT / m.sigmaT(i) : alphaT / m.alpha(i);
            c0 = -(scale * (em - 1f));
            c1 = data ? scale * ((em - 1f) / h + 1f) : -(scale * ((em - 1f) / h - 1f));
            c2 = data ? -(scale * ((em - 1f + h) / (h * h) - 0.5f)) : -(scale * ((em - 1f - h) / (h * h) - 0.5f));
            return Latents.sum(new double[] {cx, c0, c1, c2}, new Latent[] {x, m0, d1, d2});
        }
        float decay = VpSolverMath.exp(-2f * h);
        float twoH = 2f * h;
        cx = sigmaT / m.sigmaT(i) * VpSolverMath.exp(-h);
        c0 = alphaT * (1f - decay);
        c1 = alphaT * ((1f - decay) / (-2f * h) + 1f);
        c2 = alphaT * ((1f - decay - 2f * h) / (twoH * twoH) - 0.5f);
        double cz = sigmaT * VpSolverMath.sqrt(1f - decay);
        return Latents.sum(new double[] {cx, c0, c1, c2, cz}, new Latent[] {x, m0, d1, d2, z});
    }
}
