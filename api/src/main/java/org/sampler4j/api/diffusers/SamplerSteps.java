package org.sampler4j.api.diffusers;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerStepper;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * A class whose maths a sampler4j sampler does ({@link DiffusersRoute}), for {@link DiffusersStepper#viaSampler}: the
 * sampler runs as a suspended call ({@link SamplerStepper}) over the route's sigma list from the first model call on,
 * and each {@code step} answers one of its model evaluations. This checks the samplers (the routes the SD pipeline and
 * recipes use) against diffusers' own loops. The sampler keeps its own trajectory: a {@code step} given a sample other
 * than the one the previous step returned is rejected (never silently stepped from the old one); the native steps of
 * {@link DiffusersStepper#create} follow it.
 */
final class SamplerSteps implements ClassSteps {
    /** Relative difference (to the largest magnitude) beyond which a given sample counts as edited. */
    private static final double EDIT_TOLERANCE = 1e-6;
    /** The sampler option that tells a sampler which step of the full schedule its sigma list starts at. */
    private static final String BEGIN_INDEX = "begin_index";

    private final String className;
    private final DiffusersTimesteps schedule;
    private final DiffusersRoute route;
    private final Sampler sampler;
    private final double[] sigmas;
    private final NoiseSource noise;
    private SamplerStepper stepper;
    private SamplerStepper.Request pending;
    private Latent lastReturned;
    private int start;

    SamplerSteps(String className, DiffusersTimesteps schedule, DiffusersRoute route, NoiseSource noise) {
        this.className = className;
        this.schedule = schedule;
        this.route = route;
        this.sampler = Samplers.get(route.samplerId());
        this.noise = noise;
        if (schedule.schedule() == null && route.samplerSigmas() == DiffusersRoute.SCHEDULE_SIGMAS) {
            throw new ScheduleException("this scheduler configuration has no sampler4j schedule (" + Arrays.toString(schedule.sigmas()) + "); it cannot be stepped");
        }
        // diffusers holds its sigmas as float32
        double[] s = Numerics.toF32(route.samplerSigmas().apply(schedule));
        if (route.frame() == DiffusersRoute.Frame.FLOW_VP) {
            for (int i = 0; i < s.length; i++) s[i] = s[i] / (1 - s[i]);
        }
        this.sigmas = s;
    }

    @Override
    public Latent scaleModelInput(Latent sample, double t, int index) {
        SamplerStepper.Request r = request(sample, t, index);
        switch (route.frame()) {
            case VE:
                return Latents.scale(1 / Math.sqrt(r.sigma() * r.sigma() + 1), sample);
            case EDM:
                return Latents.scale(1 / Math.sqrt(r.sigma() * r.sigma() + route.sigmaData() * route.sigmaData()), sample);
            default:
                return sample;
        }
    }

    @Override
    public Latent step(Latent modelOutput, double t, Latent sample, int index) {
        SamplerStepper.Request r = request(sample, t, index);
        if (lastReturned != null && sample != lastReturned && edited(sample, lastReturned)) {
            throw new IllegalStateException(className + ": step() was given a sample that differs from the one the previous step returned;"
                    + " this stepper (DiffusersStepper.viaSampler) runs the class through its '" + route.samplerId() + "' sampler along its own"
                    + " trajectory and cannot follow an edited sample. Create the stepper with DiffusersStepper.create, whose native step follows it");
        }
        Denoiser d = route.postprocess().apply((x, sigma) -> denoised(x, sigma, modelOutput));
        stepper.respond(d.denoise(r.x(), r.sigma()));
        pending = null;
        SamplerStepper.Request next = stepper.next();
        Latent out;
        if (next == null) {
            out = toFrame(stepper.result(), sigmas[sigmas.length - 1]);
        } else {
            pending = next;
            out = toFrame(next.x(), next.sigma());
        }
        lastReturned = out;
        return out;
    }

    private static boolean edited(Latent given, Latent expected) {
        double[] a = given.toDoubleArray();
        double[] b = expected.toDoubleArray();
        if (a.length != b.length) return true;
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            scale = Math.max(scale, Math.abs(b[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        return !(diff <= EDIT_TOLERANCE * Math.max(1, scale));
    }

    private Latent denoised(Latent x, double sigma, Latent out) {
        if (route.frame() == DiffusersRoute.Frame.FLOW_VP) return flowVpDenoised(x, sigma, out);
        if (route.frame() != DiffusersRoute.Frame.EDM) return route.prediction().denoised(x, sigma, out);
        double sd = route.sigmaData();
        double v = sigma * sigma + sd * sd;
        double cSkip = sd * sd / v;
        double cOut = (route.prediction() == Prediction.V_PREDICTION ? -1 : 1) * sigma * sd / Math.sqrt(v);
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

    /** The sampler's sigma list from model call {@code index} on. */
    private double[] sigmasFrom(int index) {
        if (index == 0) return sigmas;
        int total = schedule.timesteps().length;
        // a sampler that takes begin_index counts its orders on the full schedule; the others see only the tail
        if (!takesBeginIndex() && Boolean.TRUE.equals(route.options().get("lower_order_final")) && total >= 15 && total - index < 15) {
            throw new ScheduleException(className + " cannot start at model call " + index + " of " + total + " in sampler4j: with lower_order_final"
                    + " diffusers keeps the full order for schedules of 15 steps or more, its sampler would see only " + (total - index)
                    + "; start at a call that leaves 15 or more steps, or set lower_order_final=False");
        }
        int per;
        if (route.samplerSigmas() == DiffusersRoute.SCHEDULE_SIGMAS || route.samplerSigmas() == DiffusersRoute.CLASS_SIGMAS) {
            per = 1;
        } else if (Boolean.TRUE.equals(route.options().get("paired")) && sigmas.length == 2 * schedule.timesteps().length) {
            per = 2;
        } else {
            throw new ScheduleException(className + " cannot start at model call " + index + " in sampler4j (its '" + route.samplerId()
                    + "' sampler steps a list that is not one entry per call); start at the first timestep");
        }
        return Arrays.copyOfRange(sigmas, per * index, sigmas.length);
    }

    /**
     * The route's options, and for a part-way start the sampler's {@code begin_index} where it has one (the singlestep
     * DPM-Solver lowers its orders there as diffusers does).
     */
    private Map<String, Object> optionsFrom(int index) {
        if (index == 0 || !takesBeginIndex()) return route.options();
        Map<String, Object> o = new LinkedHashMap<>(route.options());
        o.put(BEGIN_INDEX, index);
        return o;
    }

    private boolean takesBeginIndex() {
        return sampler.info().options().stream().anyMatch(o -> o.name().equals(BEGIN_INDEX));
    }

    private SamplerStepper.Request request(Latent sample, double t, int index) {
        if (stepper == null) {
            start = index;
            double[] s = sigmasFrom(index);
            stepper = new SamplerStepper(sampler, sampler.options(optionsFrom(index)), s, fromFrame(sample, s[0]), SamplingContext.of(noise));
        }
        if (pending == null) {
            pending = stepper.next();
            if (pending == null) throw new IllegalStateException("the schedule is finished; no model call is left");
        }
        double[] ts = schedule.timesteps();
        if (index < ts.length && !(Math.abs(ts[index] - t) <= 1e-4 * Math.max(1, Math.abs(t)))) {
            throw new IllegalArgumentException("model call " + index + " is at timestep " + ts[index] + ", got " + t + "; iterate over timesteps()");
        }
        if (pending.index() + start != index) {
            throw new IllegalStateException(className + ": model call " + index + " asked, but this class's sampler is at call " + (pending.index() + start)
                    + "; call scaleModelInput/step once per timestep, in order");
        }
        return pending;
    }

    private Latent fromFrame(Latent sample, double sigma) {
        double a = alpha(sigma);
        return a == 1 ? sample : Latents.scale(1 / a, sample);
    }

    /** The class's sample: always a new latent (a request's {@code x} is the sampler's storage, {@link LatentRing}). */
    private Latent toFrame(Latent x, double sigma) {
        return Latents.scale(alpha(sigma), x);
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
