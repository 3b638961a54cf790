package org.sampler4j.api.diffusers;

import java.util.Map;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * A diffusers scheduler object for code that owns its loop (calls its own model, edits latents between steps, adds
 * noise to a clean sample, starts part-way, switches classes by config):
 *
 * <pre>{@code
 * DiffusersStepper s = DiffusersStepper.create(DiffusersConfig.of("EulerDiscreteScheduler", Map.of()), null);
 * s.setTimesteps(10);
 * Latent sample = s.initialSample(latents);
 * for (double t : s.timesteps()) {
 *     Latent out = unet(s.scaleModelInput(sample, t), t);
 *     sample = s.step(out, t, sample);
 * }
 * }</pre>
 *
 * <p>What follows diffusers' rules: {@code step} uses the sample it is given; the step index starts at
 * {@link #setBeginIndex} if set, else at the position of the first timestep seen ({@code index_for_timestep}: the
 * second occurrence of a repeated timestep) and advances by one per {@code step}; {@link #addNoise} picks its noise
 * level by the class's own rule; {@link #fromConfig} keeps only the keys the new class knows. The noise source plays
 * diffusers' {@code generator} ({@link org.sampler4j.api.noise.TorchGeneratorNoise} draws exactly what one torch
 * generator draws); classes that draw no noise need none ({@code null}).
 *
 * <p>How the maths is done: every class steps natively with diffusers' own state (the stored first-stage sample and
 * derivative history of Heun, KDPM2 and LMS, PNDM's counter, the multistep {@code model_outputs} and
 * {@code lower_order_nums} of DPMSolverMultistep/Inverse/Singlestep, EDMDPMSolverMultistep, DEIS, UniPC and SA-Solver,
 * UniPC's and SA-Solver's {@code last_sample}, and the step index), so an edited sample is followed exactly as
 * diffusers follows it: Euler, EulerAncestral, Heun, KDPM2, KDPM2Ancestral, LMS, DPMSolverSDE, DDIM, DDIMInverse,
 * DDIMParallel, DDPM, DDPMParallel, IPNDM, UnCLIP, CMStochasticIterative, PNDM (with or without its Runge-Kutta
 * warm-up), DPMSolverMultistep, DPMSolverMultistepInverse, DPMSolverSinglestep, DEIS, UniPC, SA-Solver, LCM, TCD,
 * EDMEuler, EDMDPMSolverMultistep and FlowMatchEulerDiscrete. Where diffusers itself updates from a stored sample
 * (the UniPC and SA-Solver correctors, DPMSolverSinglestep within an order group), an edit reaches the update through
 * the model output only, as in diffusers. DPMSolverSDE draws its noise from torchsde's Brownian tree seeded by the
 * config's {@code noise_sampler_seed}, value for value as diffusers does
 * ({@link org.sampler4j.api.noise.TorchsdeBrownianNoise}); without that seed (diffusers then draws one from torch's
 * global generator) the stepper's noise source plays the tree. Not supported, refused by {@link #setTimesteps} with
 * the fix in the message: UniPC's {@code solver_p} (another scheduler object as predictor) and SA-Solver's custom
 * {@code tau_func} (a Python callable). {@link #viaSampler} instead runs a class through its sampler4j sampler (for
 * checking the samplers against diffusers' loops; unedited loops only).
 *
 * <p>Not thread-safe, like a diffusers scheduler.
 */
public final class DiffusersStepper implements AutoCloseable {
    private final DiffusersConfig cfg;
    private final Map<String, Object> stepKwargs;
    private final NoiseSource noise;
    private DiffusersTimesteps schedule;
    private ClassSteps steps;
    private Integer beginIndex;
    private Integer stepIndex;
    /** Steps through the class's sampler route ({@link SamplerSteps}) rather than natively. */
    private final boolean viaSampler;

    private DiffusersStepper(DiffusersConfig cfg, Map<String, Object> stepKwargs, NoiseSource noise) {
        this(cfg, stepKwargs, noise, false);
    }

    private DiffusersStepper(DiffusersConfig cfg, Map<String, Object> stepKwargs, NoiseSource noise, boolean viaSampler) {
        DiffusersSchedules.checkInit(cfg);
        this.viaSampler = viaSampler;
        this.cfg = cfg;
        this.stepKwargs = Map.copyOf(stepKwargs);
        String cls = cfg.className();
        this.noise = noise != null ? noise : (s, sn, like) -> {
            if (cls.equals(DpmSolverSdeSteps.CLASS)) {
                throw new IllegalStateException(cls + " draws Brownian noise in step(), and neither noise_sampler_seed nor a noise source is set;"
                        + " set noise_sampler_seed in the config (diffusers' seeded BrownianTreeNoiseSampler, value for value), or create the"
                        + " stepper with a noise source such as TorchsdeBrownianNoise.of(seed, sigmaMin, sigmaMax)");
            }
            throw new IllegalStateException(cls + " draws noise in step(), and this stepper has no noise source; create it with one,"
                    + " e.g. TorchGeneratorNoise.cpu(seed) for diffusers' generator=torch.manual_seed(seed)");
        };
    }

    /**
     * {@code SchedulerClass(**config)}, before {@code set_timesteps}.
     *
     * @param cfg the scheduler class and its config (diffusers' {@code scheduler_config.json})
     * @param stepKwargs the extra {@code step()} arguments ({@code eta}, {@code s_churn}, {@code order} ...), fixed for the run
     * @param noise diffusers' {@code generator}; {@code null} for classes that draw no noise
     * @return a stepper without timesteps: call {@link #setTimesteps} before the loop
     * @throws ScheduleException where the class's {@code __init__} raises
     */
    public static DiffusersStepper create(DiffusersConfig cfg, Map<String, Object> stepKwargs, NoiseSource noise) {
        return new DiffusersStepper(cfg, stepKwargs, noise);
    }

    /**
     * {@code SchedulerClass(**config)} with no extra {@code step()} arguments.
     *
     * @param cfg the scheduler class and its config (diffusers' {@code scheduler_config.json})
     * @param noise diffusers' {@code generator}; {@code null} for classes that draw no noise
     * @return a stepper without timesteps: call {@link #setTimesteps} before the loop
     */
    public static DiffusersStepper create(DiffusersConfig cfg, NoiseSource noise) {
        return new DiffusersStepper(cfg, Map.of(), noise);
    }

    /**
     * {@code SchedulerClass(**config)} followed by {@code set_timesteps(**args)}.
     *
     * @param cfg the scheduler class and its config (diffusers' {@code scheduler_config.json})
     * @param args the arguments of {@code set_timesteps} (a step count, or explicit timesteps or sigmas)
     * @param stepKwargs the extra {@code step()} arguments ({@code eta}, {@code s_churn}, {@code order} ...)
     * @param noise the noise the scheduler draws (diffusers' {@code generator}); {@code null} for deterministic classes
     * @return a stepper ready for its first {@link #step}
     */
    public static DiffusersStepper create(DiffusersConfig cfg, SetTimesteps args, Map<String, Object> stepKwargs, NoiseSource noise) {
        return new DiffusersStepper(cfg, stepKwargs, noise).setTimesteps(args);
    }

    /**
     * As {@link #create(DiffusersConfig, SetTimesteps, Map, NoiseSource)}, but the class's maths runs through its
     * sampler4j sampler ({@link DiffusersSchedules#route}, the route the SD pipeline and recipes use) as a suspended
     * call instead of the native step: for checking the samplers against diffusers' own loops. Needs the core samplers
     * on the class path. It follows unedited loops only: a {@code step} given a sample other than the one the previous
     * step returned is rejected, and it starts part-way only where the sampler steps one sigma per call.
     *
     * @param cfg the scheduler class and its config
     * @param args the arguments of {@code set_timesteps}
     * @param stepKwargs the extra {@code step()} arguments
     * @param noise the noise the sampler draws; {@code null} for deterministic classes
     * @return a stepper ready for its first {@link #step}
     * @throws ScheduleException where the class has no sampler route for this config
     */
    public static DiffusersStepper viaSampler(DiffusersConfig cfg, SetTimesteps args, Map<String, Object> stepKwargs, NoiseSource noise) {
        return new DiffusersStepper(cfg, stepKwargs, noise, true).setTimesteps(args);
    }

    /**
     * diffusers' {@code NewClass.from_config(old.config)}: a stepper of {@code className} from another class's
     * config, keeping only the keys {@code className} knows (the others fall back to its defaults).
     *
     * @param className the diffusers class to switch to, e.g. {@code DPMSolverMultistepScheduler}
     * @param config the other class's config; its keys unknown to {@code className} are dropped
     * @param stepKwargs the extra {@code step()} arguments of the new class
     * @param noise diffusers' {@code generator}; {@code null} for classes that draw no noise
     * @return a stepper of {@code className} without timesteps
     */
    public static DiffusersStepper fromConfig(String className, DiffusersConfig config, Map<String, Object> stepKwargs, NoiseSource noise) {
        return new DiffusersStepper(config.forClass(className), stepKwargs, noise);
    }

    /** {@return the class and its effective settings ({@code scheduler.config})} */
    public DiffusersConfig config() {
        return cfg;
    }

    /**
     * {@code set_timesteps(num_inference_steps)}; resets the step index and the class's state.
     *
     * @param numInferenceSteps the number of denoising steps, at least 1
     * @return this stepper, for chaining
     */
    public DiffusersStepper setTimesteps(int numInferenceSteps) {
        return setTimesteps(SetTimesteps.steps(numInferenceSteps));
    }

    /**
     * {@code set_timesteps(**args)}; resets the step index, the begin index and the class's state, as diffusers does.
     *
     * @param args the step count or the explicit timesteps or sigmas, with diffusers' validation
     * @return this stepper, for chaining
     */
    public DiffusersStepper setTimesteps(SetTimesteps args) {
        DiffusersTimesteps ts = DiffusersSchedules.setTimesteps(cfg, args);
        close();
        String cls = cfg.className();
        if (viaSampler) {
            steps = new SamplerSteps(cls, ts, DiffusersSchedules.route(cfg, stepKwargs), noise);
        } else if (SigmaSpaceSteps.handles(cls)) {
            steps = new SigmaSpaceSteps(cfg, ts, stepKwargs, noise);
        } else if (cls.equals(DpmSolverSdeSteps.CLASS)) {
            steps = new DpmSolverSdeSteps(cfg, ts, stepKwargs, noise);
        } else if (cls.equals("PNDMScheduler")) {
            steps = new PndmSteps(cfg, ts);
        } else if (cls.equals("UnCLIPScheduler")) {
            steps = new UnclipSteps(cfg, noise);
        } else if (cls.equals("CMStochasticIterativeScheduler")) {
            steps = new ConsistencySteps(cfg, ts, noise);
        } else if (cls.equals("IPNDMScheduler")) {
            steps = new IpndmSteps(ts);
        } else if (AlphaSpaceSteps.handles(cls)) {
            steps = new AlphaSpaceSteps(cfg, ts, stepKwargs, noise);
        } else if (DpmMultistepSteps.handles(cls)) {
            steps = new DpmMultistepSteps(cfg, ts, noise);
        } else if (cls.equals(DpmSinglestepSteps.CLASS)) {
            steps = new DpmSinglestepSteps(cfg, ts, noise);
        } else if (UniPcSteps.handles(cfg)) {
            steps = new UniPcSteps(cfg, ts);
        } else if (cls.equals(DeisSteps.CLASS)) {
            steps = new DeisSteps(cfg, ts);
        } else if (SaSolverSteps.handles(cfg)) {
            steps = new SaSolverSteps(cfg, ts, noise);
        } else if (LcmTcdSteps.handles(cls)) {
            steps = new LcmTcdSteps(cfg, ts, stepKwargs, noise);
        } else {
            // what has no native step (UniPC's solver_p, SA-Solver's custom tau_func) is refused with the route's fix
            DiffusersSchedules.route(cfg, stepKwargs);
            throw new ScheduleException(cls + " has no step in sampler4j; use one of " + DiffusersConfig.knownClasses());
        }
        schedule = ts;
        stepIndex = null;
        beginIndex = null;
        return this;
    }

    private DiffusersTimesteps schedule() {
        if (schedule == null) throw new IllegalStateException(cfg.className() + ": call setTimesteps(n) first");
        return schedule;
    }

    /**
     * {@code scheduler.timesteps}: after {@link #setTimesteps}, the model calls' timesteps; before it, what the class's
     * {@code __init__} holds (the training timesteps, descending).
     *
     * @return a fresh copy of the timesteps, first model call first (model time units, 0 to {@code num_train_timesteps - 1} for discrete classes)
     */
    public double[] timesteps() {
        if (schedule != null) return schedule.timesteps();
        if (cfg.has("num_train_timesteps")) {
            int n = cfg.integer("num_train_timesteps");
            double[] t = new double[n];
            for (int i = 0; i < n; i++) t[i] = n - 1 - i;
            return t;
        }
        throw new IllegalStateException(cfg.className() + " has no timesteps before setTimesteps; call setTimesteps(n) first");
    }

    /** {@return {@code scheduler.sigmas} after {@link #setTimesteps}, or {@code null} for classes without sigmas (DDIM, PNDM ...)} */
    public double[] sigmas() {
        return schedule().sigmas();
    }

    /** {@return {@code scheduler.num_inference_steps}: the step count of the last {@link #setTimesteps}, or {@code null} when it was given timesteps only} */
    public Integer numInferenceSteps() {
        return schedule().numInferenceSteps();
    }

    /** {@return PNDM's {@code prk_timesteps} (empty with {@code skip_prk_steps})} */
    public double[] prkTimesteps() {
        return pndmArray("prk_timesteps");
    }

    /** {@return PNDM's {@code plms_timesteps}} */
    public double[] plmsTimesteps() {
        return pndmArray("plms_timesteps");
    }

    private double[] pndmArray(String key) {
        if (!cfg.className().equals("PNDMScheduler")) throw new IllegalStateException(key + " belongs to PNDMScheduler, not " + cfg.className());
        return schedule().extras().get(key).clone();
    }

    /** {@return the class attribute {@code order}: model calls per step in {@link #timesteps()} (2 for Heun and KDPM2, else 1)} */
    public int order() {
        return cfg.order();
    }

    /** {@return {@code init_noise_sigma}: the factor of the initial noise (1 for VP and flow classes)} */
    public double initNoiseSigma() {
        return schedule().initNoiseSigma() == null ? 1.0 : schedule().initNoiseSigma();
    }

    /**
     * The first sample: {@code latents * init_noise_sigma}.
     *
     * @param latents unit-variance Gaussian noise of the sample's shape
     * @return the first sample: {@code latents * init_noise_sigma}
     */
    public Latent initialSample(Latent latents) {
        return Latents.scale(initNoiseSigma(), latents);
    }

    /** {@return {@code scheduler.begin_index}, or {@code null} when unset} */
    public Integer beginIndex() {
        return beginIndex;
    }

    /** {@return {@code scheduler.step_index}: the next model call's index into {@link #timesteps()}, or {@code null} before the first call} */
    public Integer stepIndex() {
        return stepIndex;
    }

    /**
     * {@code set_begin_index(k)}: the loop starts at {@code timesteps()[k]} (img2img {@code strength}, a pipeline that
     * skips the first steps). Call it after {@link #setTimesteps}, before the first call.
     *
     * @param index the position in {@link #timesteps()} of the first model call, in {@code [0, timesteps().length)}
     */
    public void setBeginIndex(int index) {
        int n = schedule().timesteps().length;
        if (index < 0 || index >= n) throw new IllegalArgumentException("begin index must be in [0, " + n + "), got " + index);
        beginIndex = index;
    }

    /**
     * diffusers' {@code scheduler._step_index = None}: the next call finds its index again (from the begin index or the
     * timestep) while the class keeps its history; diffusers' IPNDM test runs a second pass over the timesteps so.
     */
    public void resetStepIndex() {
        stepIndex = null;
    }

    /** diffusers' {@code index_for_timestep}: the second of two equal timesteps, so a restart skips a finished first stage. */
    private int indexForTimestep(double t) {
        double[] ts = schedule().timesteps();
        int first = -1;
        int second = -1;
        for (int i = 0; i < ts.length; i++) {
            if (Math.abs(ts[i] - t) <= 1e-4 * Math.max(1, Math.abs(t))) {
                if (first < 0) first = i;
                else if (second < 0) second = i;
            }
        }
        if (first < 0) throw new IllegalArgumentException(cfg.className() + ": timestep " + t + " is not one of timesteps(); iterate over timesteps()");
        return second >= 0 ? second : first;
    }

    private int index(double t) {
        if (stepIndex == null) stepIndex = beginIndex != null ? beginIndex : indexForTimestep(t);
        if (stepIndex >= schedule().timesteps().length) throw new IllegalStateException(cfg.className() + ": the schedule is finished; no model call is left");
        return stepIndex;
    }

    /**
     * {@code scheduler.scale_model_input(sample, t)}: the network's input at this model call.
     *
     * @param sample the current sample
     * @param t the model call's timestep, one of {@link #timesteps()}
     * @return the network's input (the sample scaled by {@code c_in} for sigma-space classes, else the sample itself)
     */
    public Latent scaleModelInput(Latent sample, double t) {
        return schedule() == null ? sample : steps.scaleModelInput(sample, t, index(t));
    }

    /**
     * {@code scheduler.step(model_output, t, sample).prev_sample}: one update from the given sample.
     *
     * @param modelOutput the network's output for {@link #scaleModelInput}{@code (sample, t)} (in the config's {@code prediction_type})
     * @param t the model call's timestep, one of {@link #timesteps()}
     * @param sample the current sample
     * @return the previous (less noisy) sample
     * @throws IllegalArgumentException if {@code t} is not one of {@link #timesteps()} on the first call
     */
    public Latent step(Latent modelOutput, double t, Latent sample) {
        schedule();
        Latent prev = steps.step(modelOutput, t, sample, index(t));
        stepIndex++;
        return prev;
    }

    /**
     * {@code UnCLIPScheduler.step(model_output, t, sample, prev_timestep=prev)}: one update from {@code t} to
     * {@code prevTimestep} (a pipeline that skips timesteps passes the next one; {@link #step} goes to {@code t - 1}).
     *
     * @param modelOutput the network's output at {@code t}
     * @param t the model call's timestep
     * @param sample the current sample
     * @param prevTimestep the timestep to step to, below {@code t}
     * @return the sample at {@code prevTimestep}
     * @throws IllegalStateException for other classes (their step goes where the schedule says)
     */
    public Latent step(Latent modelOutput, double t, Latent sample, int prevTimestep) {
        schedule();
        if (!(steps instanceof UnclipSteps u)) throw new IllegalStateException("prev_timestep is a step argument of UnCLIPScheduler only, not " + cfg.className());
        u.prevTimestep(prevTimestep);
        return step(modelOutput, t, sample);
    }

    /**
     * {@code DDIMParallelScheduler/DDPMParallelScheduler.batch_step_no_noise(model_output, timesteps, sample)}: each
     * batch item (first dimension) steps from its own timestep {@code t[b]} to {@code t[b] - N // n}, without noise and
     * without touching the step index (DDIM and DDPM configs only).
     *
     * @param modelOutput the network's outputs, one batch item per timestep
     * @param t each batch item's timestep (integers, as diffusers' tensor)
     * @param sample the current samples, batch first
     * @return each item's previous sample, batch first
     */
    public Latent batchStepNoNoise(Latent modelOutput, int[] t, Latent sample) {
        schedule();
        return AlphaSpaceSteps.of(steps, cfg.className()).batchStepNoNoise(modelOutput, t, sample);
    }

    /**
     * {@code scheduler.add_noise(original, noise, timesteps)} with one timestep for the whole batch; see
     * {@link #addNoise(Latent, Latent, double[])}.
     *
     * @param original the clean sample
     * @param noise unit-variance Gaussian noise of the same shape
     * @param t the timestep whose noise level is applied
     * @return the noised sample {@code a * original + b * noise}
     */
    public Latent addNoise(Latent original, Latent noise, double t) {
        return addNoise(original, noise, new double[] {t});
    }

    /**
     * {@code scheduler.add_noise(original, noise, timesteps)}: one timestep per batch item (the first dimension), or
     * one for all. The noise level follows the class: the sigma-space, multistep, EDM and flow classes take
     * {@code sigmas[index]} (the index is {@code index_for_timestep(t)} before {@link #setBeginIndex}, else the current
     * step index, else the begin index); DDIM, DDPM, PNDM, LCM and TCD take {@code alphas_cumprod[t]}.
     *
     * @param original the clean samples, batch first
     * @param noise unit-variance Gaussian noise of the same shape
     * @param t one timestep for all items, or one per item
     * @return the noised samples {@code a * original + b * noise}
     */
    public Latent addNoise(Latent original, Latent noise, double[] t) {
        int batch = original.shape().length == 0 ? 1 : original.shape()[0];
        if (t.length != 1 && t.length != batch) {
            throw new IllegalArgumentException("addNoise needs one timestep or one per batch item (" + batch + "), got " + t.length);
        }
        if (noise.size() != original.size()) throw new IllegalArgumentException("noise has " + noise.size() + " values, the sample " + original.size());
        double[] x = original.toDoubleArray();
        double[] n = noise.toDoubleArray();
        double[] out = new double[x.length];
        int per = x.length / batch;
        for (int b = 0; b < batch; b++) {
            double[] c = noiseCoefficients(t[t.length == 1 ? 0 : b]);
            for (int i = b * per; i < (b + 1) * per; i++) out[i] = c[0] * x[i] + c[1] * n[i];
        }
        return original.withValues(out);
    }

    /** {@code (a, b)} of {@code a * original + b * noise} at timestep {@code t}. */
    private double[] noiseCoefficients(double t) {
        String cls = cfg.className();
        boolean byAlpha = java.util.List.of("DDIMScheduler", "DDIMInverseScheduler", "DDPMScheduler", "PNDMScheduler", "LCMScheduler", "TCDScheduler",
                "UnCLIPScheduler").contains(cls);
        if (byAlpha) {
            DiscreteNoiseModel m = cls.equals("UnCLIPScheduler") ? UnclipSteps.model(cfg) : DdpmFamily.model(cfg);
            int ti = (int) Math.round(t);
            if (ti < 0 || ti >= m.numTrainTimesteps()) throw new IllegalArgumentException(cls + ": addNoise timestep must be in [0, " + m.numTrainTimesteps() + "), got " + t);
            double a = m.alphaCumprod(ti);
            return new double[] {Math.sqrt(a), Math.sqrt(1 - a)};
        }
        double[] sig = schedule().sigmas();
        if (sig == null) throw new IllegalStateException(cls + " has no sigmas; addNoise is not supported for it");
        int idx = beginIndex == null ? indexForTimestep(t) : stepIndex != null ? stepIndex : beginIndex;
        double s = sig[idx];
        if (cfg.className().startsWith("FlowMatch") || cfg.bool("use_flow_sigmas")) return new double[] {1 - s, s};
        if (java.util.List.of("DPMSolverMultistepScheduler", MultistepInverse.CLASS, "DPMSolverSinglestepScheduler", "DEISMultistepScheduler",
                "UniPCMultistepScheduler", "SASolverScheduler").contains(cls)) {
            double alpha = 1 / Math.sqrt(s * s + 1);
            return new double[] {alpha, s * alpha};
        }
        return new double[] {1, s};
    }

    /** Ends the suspended sampler of a {@link #viaSampler} stepper; nothing to release for native steps. */
    @Override
    public void close() {
        if (steps != null) steps.close();
    }
}
