package org.sampler4j.api.diffusers;

import java.util.Arrays;
import java.util.Map;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerStepper;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * diffusers' loop-owning API over sampler4j samplers, for code that calls its own model:
 *
 * <pre>{@code
 * try (DiffusersStepper s = DiffusersStepper.create(config, SetTimesteps.steps(10), Map.of(), noise)) {
 *     Latent sample = s.initialSample(latents);
 *     for (double t : s.timesteps()) {
 *         Latent out = unet(s.scaleModelInput(sample, t), t);
 *         sample = s.step(out, t, sample);
 *     }
 * }
 * }</pre>
 * The scheduler class's {@link DiffusersRoute} names the sampler that does its maths; the sampler runs as a
 * suspended call ({@link SamplerStepper}) over the route's sigma list ({@link DiffusersRoute#samplerSigmas()}: the
 * schedule's sigmas, or DDIM/PNDM's {@code (from, to)} pairs) and each {@code step} answers one of its model
 * evaluations. The timesteps, {@code init_noise_sigma} and sample frame are the class's, so a diffusers pipeline loop
 * reproduces.
 */
public final class DiffusersStepper implements AutoCloseable {
    private final DiffusersTimesteps schedule;
    private final DiffusersRoute route;
    private final Sampler sampler;
    private final double[] sigmas;
    private final NoiseSource noise;
    private final Map<String, Object> options;
    private SamplerStepper stepper;
    private SamplerStepper.Request pending;
    private int calls;

    private DiffusersStepper(DiffusersTimesteps schedule, DiffusersRoute route, NoiseSource noise) {
        this.schedule = schedule;
        this.route = route;
        this.sampler = Samplers.get(route.samplerId());
        this.options = route.options();
        this.noise = noise;
        if (schedule.schedule() == null) {
            throw new ScheduleException("this scheduler configuration has no sampler4j schedule (" + Arrays.toString(schedule.sigmas()) + "); it cannot be stepped");
        }
        // diffusers holds its sigmas as float32
        double[] s = org.sampler4j.api.math.Numerics.toF32(route.samplerSigmas().apply(schedule));
        if (route.frame() == DiffusersRoute.Frame.FLOW_VP) {
            for (int i = 0; i < s.length; i++) s[i] = s[i] / (1 - s[i]);
        }
        this.sigmas = s;
    }

    /**
     * A stepper for {@code SchedulerClass(**config)} after {@code set_timesteps(**args)}.
     *
     * @param stepKwargs the extra {@code step()} arguments ({@code eta}, {@code s_churn}, {@code order} ...)
     * @param noise the noise the scheduler draws (diffusers' {@code generator})
     */
    public static DiffusersStepper create(DiffusersConfig cfg, SetTimesteps args, Map<String, Object> stepKwargs, NoiseSource noise) {
        DiffusersTimesteps ts = DiffusersSchedules.setTimesteps(cfg, args);
        return new DiffusersStepper(ts, DiffusersSchedules.route(cfg, stepKwargs), noise);
    }

    /** {@return the timesteps of the model calls ({@code scheduler.timesteps})} */
    public double[] timesteps() {
        return schedule.timesteps();
    }

    /** {@return {@code init_noise_sigma} (1 for VP and flow classes)} */
    public double initNoiseSigma() {
        return schedule.initNoiseSigma() == null ? 1.0 : schedule.initNoiseSigma();
    }

    /** {@return the first sample: {@code latents * init_noise_sigma}} */
    public Latent initialSample(Latent latents) {
        return Latents.scale(initNoiseSigma(), latents);
    }

    /** {@return {@code scheduler.scale_model_input(sample, t)}} */
    public Latent scaleModelInput(Latent sample, double t) {
        SamplerStepper.Request r = request(sample, t);
        switch (route.frame()) {
            case VE:
                return Latents.scale(1 / Math.sqrt(r.sigma() * r.sigma() + 1), sample);
            case EDM:
                return Latents.scale(1 / Math.sqrt(r.sigma() * r.sigma() + route.sigmaData() * route.sigmaData()), sample);
            default:
                return sample;
        }
    }

    /**
     * {@code scheduler.step(model_output, t, sample).prev_sample}.
     *
     * @throws IllegalArgumentException if {@code t} is not the timestep of this model call
     */
    public Latent step(Latent modelOutput, double t, Latent sample) {
        SamplerStepper.Request r = request(sample, t);
        Denoiser d = route.postprocess().apply((x, sigma) -> denoised(x, sigma, modelOutput));
        stepper.respond(d.denoise(r.x(), r.sigma()));
        pending = null;
        calls++;
        SamplerStepper.Request next = stepper.next();
        if (next == null) return toFrame(stepper.result(), sigmas[sigmas.length - 1]);
        pending = next;
        return toFrame(next.x(), next.sigma());
    }

    private Latent denoised(Latent x, double sigma, Latent out) {
        if (route.frame() == DiffusersRoute.Frame.FLOW_VP) return flowVpDenoised(x, sigma, out);
        if (route.frame() != DiffusersRoute.Frame.EDM) return route.prediction().denoised(x, sigma, out);
        double sd = route.sigmaData();
        double v = sigma * sigma + sd * sd;
        double cSkip = sd * sd / v;
        double cOut = (route.prediction() == org.sampler4j.api.model.Prediction.V_PREDICTION ? -1 : 1) * sigma * sd / Math.sqrt(v);
        return Latents.sum(cSkip, x, cOut, out);
    }

    /**
     * diffusers' {@code x0} for flow sigmas in a VP-type solver ({@code alpha = 1 - s}, {@code sigma_t = s}), in terms
     * of the sampler's {@code x = sample / alpha} and {@code sigma = s / alpha}.
     */
    private Latent flowVpDenoised(Latent x, double sigma, Latent out) {
        double alpha = 1 / (1 + sigma);
        double sigmaT = sigma / (1 + sigma);
        switch (route.prediction()) {
            case FLOW:
                return Latents.sum(alpha, x, -sigmaT, out);
            case EPSILON:
                return Latents.sum(1, x, -sigma, out);
            case V_PREDICTION:
                return Latents.sum(alpha * alpha, x, -sigmaT, out);
            default:
                return out;
        }
    }

    private SamplerStepper.Request request(Latent sample, double t) {
        if (stepper == null) {
            stepper = new SamplerStepper(sampler, sampler.options(options), sigmas, fromFrame(sample, sigmas[0]), SamplingContext.of(noise));
        }
        if (pending == null) {
            pending = stepper.next();
            if (pending == null) throw new IllegalStateException("the schedule is finished; no model call is left");
        }
        double[] ts = schedule.timesteps();
        if (calls < ts.length && !(Math.abs(ts[calls] - t) <= 1e-4 * Math.max(1, Math.abs(t)))) {
            throw new IllegalArgumentException("model call " + calls + " is at timestep " + ts[calls] + ", got " + t + "; iterate over timesteps()");
        }
        return pending;
    }

    private Latent fromFrame(Latent sample, double sigma) {
        double a = alpha(sigma);
        return a == 1 ? sample : Latents.scale(1 / a, sample);
    }

    private Latent toFrame(Latent x, double sigma) {
        double a = alpha(sigma);
        return a == 1 ? x : Latents.scale(a, x);
    }

    /** The scale of the class's sample relative to the sampler's VE {@code x} at the sampler's {@code sigma}. */
    private double alpha(double sigma) {
        switch (route.frame()) {
            case VP:
                return 1 / Math.sqrt(1 + sigma * sigma);
            case FLOW_VP:
                return 1 / (1 + sigma);
            default:
                return 1;
        }
    }

    @Override
    public void close() {
        if (stepper != null) stepper.close();
    }
}
