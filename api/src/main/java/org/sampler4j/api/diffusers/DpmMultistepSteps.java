package org.sampler4j.api.diffusers;

import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;

/**
 * {@code step} of diffusers' {@code DPMSolverMultistepScheduler}, {@code DPMSolverMultistepInverseScheduler} and
 * {@code EDMDPMSolverMultistepScheduler} (the data form with {@code alpha_t = 1}, {@code sigma_t = sigma} and
 * EDM-preconditioned inputs and outputs) on the sample it is given, with diffusers' state: the converted outputs of the last {@code solver_order} calls
 * ({@code model_outputs}) and {@code lower_order_nums}. All four algorithm types ({@code dpmsolver++},
 * {@code dpmsolver}, {@code sde-dpmsolver++}, {@code sde-dpmsolver}), orders 1 to 3, the midpoint and heun second-order
 * forms, {@code lower_order_final}, {@code euler_at_final} and {@code final_sigmas_type="zero"}'s first-order last step,
 * VP or flow sigmas. The SDE forms draw one normal tensor per step from the noise source, as diffusers draws from its
 * generator.
 *
 * <p>Provenance: Lu et al. 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic Models"
 * (multistep second and third order, SDE-DPM-Solver++); diffusers {@code scheduling_dpmsolver_multistep.py}
 * {@code dpm_solver_first_order_update}, {@code multistep_dpm_solver_second_order_update},
 * {@code multistep_dpm_solver_third_order_update}, {@code step}; {@code scheduling_edm_dpmsolver_multistep.py}.
 */
final class DpmMultistepSteps implements ClassSteps {
    static final String CLASS = "DPMSolverMultistepScheduler";
    static final String EDM_CLASS = "EDMDPMSolverMultistepScheduler";

    private final VpSolverMath m;
    private final Form form;
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
        this.form = Form.of(cfg);
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
        Latent converted = form.data ? m.data(modelOutput, sample, index) : m.noise(modelOutput, sample, index, true);
        outputs.push(converted);
        Latent z = form.sde ? noise.noise(m.sigma(index), m.sigma(index + 1), modelOutput) : null;
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
        return firstOrder(m, form, m0, x, z, i);
    }

    /**
     * DPM-Solver-1 from {@code sigmas[i]} to {@code sigmas[i + 1]} (diffusers' {@code dpm_solver_first_order_update},
     * shared by the multistep and singlestep classes).
     */
    static Latent firstOrder(VpSolverMath m, Form form, Latent m0, Latent x, Latent z, int i) {
        Coefficients c = Coefficients.of(m, form, i, i + 1);
        if (z == null) return Latents.sum(c.cx, x, c.c0, m0);
        return Latents.sum(c.cx, x, c.c0, m0, c.cz, z);
    }

    /** Multistep DPM-Solver-2 from the last two outputs, midpoint or heun form. */
    private Latent secondOrder(Latent x, Latent z, int i) {
        Coefficients c = Coefficients.of(m, form, i, i + 1);
        float r0 = (m.lambda(i) - m.lambda(i - 1)) / c.h;
        Latent m0 = outputs.back(0);
        Latent d1 = Latents.sum(1f / r0, m0, -(1f / r0), outputs.back(1));
        double c1 = form.heun ? c.c1 : c.c1Midpoint;
        if (z == null) return Latents.sum(c.cx, x, c.c0, m0, c1, d1);
        return Latents.sum(c.cx, x, c.c0, m0, c1, d1, c.cz, z);
    }

    /** Multistep DPM-Solver-3 from the last three outputs (the route check refuses the noise-form SDE, which diffusers lacks). */
    private Latent thirdOrder(Latent x, Latent z, int i) {
        Coefficients c = Coefficients.of(m, form, i, i + 1);
        float lambdaS0 = m.lambda(i);
        float lambdaS1 = m.lambda(i - 1);
        float r0 = (lambdaS0 - lambdaS1) / c.h;
        float r1 = (lambdaS1 - m.lambda(i - 2)) / c.h;
        Latent m0 = outputs.back(0);
        Latent m1 = outputs.back(1);
        Latent d10 = Latents.sum(1f / r0, m0, -(1f / r0), m1);
        Latent d11 = Latents.sum(1f / r1, m1, -(1f / r1), outputs.back(2));
        float w = r0 / (r0 + r1);
        float v = 1f / (r0 + r1);
        Latent d1 = Latents.sum(1 + (double) w, d10, -w, d11);
        Latent d2 = Latents.sum(v, d10, -v, d11);
        if (z == null) return Latents.sum(new double[] {c.cx, c.c0, c.c1, c.c2}, new Latent[] {x, m0, d1, d2});
        return Latents.sum(new double[] {c.cx, c.c0, c.c1, c.c2, c.cz}, new Latent[] {x, m0, d1, d2, z});
    }

    /**
     * The solver's form: data ({@code dpmsolver++}, {@code sde-dpmsolver++}) or noise prediction, ODE or SDE, and the
     * second-order {@code solver_type}.
     *
     * @param data the data form
     * @param sde the SDE variant (noise drawn every step)
     * @param heun {@code solver_type="heun"} (else midpoint)
     */
    record Form(boolean data, boolean sde, boolean heun) {
        /** From {@code algorithm_type} (with diffusers' alias {@code deis} for {@code dpmsolver++}) and {@code solver_type}. */
        static Form of(DiffusersConfig cfg) {
            String algorithm = cfg.str("algorithm_type");
            if (algorithm.equals("deis")) algorithm = "dpmsolver++";
            // logrho, bh1 and bh2 are midpoint in diffusers
            return new Form(algorithm.endsWith("dpmsolver++"), algorithm.startsWith("sde-"), "heun".equals(cfg.str("solver_type")));
        }
    }

    /**
     * The scalar coefficients of one DPM-Solver step of log-SNR length {@code h} from a base point {@code sigmas[base]}
     * to {@code sigmas[to]}, float32 in diffusers' order: {@code x_t = cx * x_base + c0 * D0 + c1 * D1 + c2 * D2 + cz * z},
     * with {@code c1Midpoint} the {@code D1} weight of the second-order midpoint form ({@code c1} is heun's and the
     * third order's). The noise-form SDE has no {@code c2} (NaN).
     */
    record Coefficients(float h, double cx, double c0, double c1Midpoint, double c1, double c2, double cz) {
        static Coefficients of(VpSolverMath m, Form form, int base, int to) {
            float alphaT = m.alpha(to);
            float sigmaT = m.sigmaT(to);
            float h = m.lambda(to) - m.lambda(base);
            if (form.data && !form.sde) {
                float em = VpSolverMath.exp(-h);
                float phi = alphaT * (em - 1f);
                return new Coefficients(h, sigmaT / m.sigmaT(base), -phi, -0.5f * phi, alphaT * ((em - 1f) / h + 1f),
                        -(alphaT * ((em - 1f + h) / (h * h) - 0.5f)), 0);
            }
            if (!form.data && !form.sde) {
                float ep = VpSolverMath.exp(h);
                float phi = sigmaT * (ep - 1f);
                return new Coefficients(h, alphaT / m.alpha(base), -phi, -0.5f * phi, -(sigmaT * ((ep - 1f) / h - 1f)),
                        -(sigmaT * ((ep - 1f - h) / (h * h) - 0.5f)), 0);
            }
            if (form.data) {
                float decay = VpSolverMath.exp(-2f * h);
                float phi = alphaT * (1f - decay);
                float twoH = 2f * h;
                return new Coefficients(h, sigmaT / m.sigmaT(base) * VpSolverMath.exp(-h), phi, 0.5f * phi,
                        alphaT * ((1f - decay) / (-2f * h) + 1f), alphaT * ((1f - decay - 2f * h) / (twoH * twoH) - 0.5f),
                        sigmaT * VpSolverMath.sqrt(1f - decay));
            }
            float ep = VpSolverMath.exp(h);
            float phi = sigmaT * (ep - 1f);
            return new Coefficients(h, alphaT / m.alpha(base), -2f * phi, -phi, -2f * (sigmaT * ((ep - 1f) / h - 1f)), Double.NaN,
                    sigmaT * VpSolverMath.sqrt(VpSolverMath.exp(2f * h) - 1f));
        }
    }
}
