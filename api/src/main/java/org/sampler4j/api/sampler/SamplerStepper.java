package org.sampler4j.api.sampler;

import java.util.Objects;
import java.util.concurrent.SynchronousQueue;

/**
 * Turns any callback-style {@link Sampler} into a loop the caller drives ("loop-owning" style, like diffusers'
 * {@code scheduler.step}): the sampler runs on a worker thread, and each model evaluation it asks for is handed to
 * the caller as a {@link Request}; the caller evaluates its own model and {@link #respond}s with the denoised
 * estimate. The sampler itself stays a stateless function; the stepper holds the suspended call.
 *
 * <pre>{@code
 * try (SamplerStepper st = new SamplerStepper(sampler, opts, sigmas, x, ctx)) {
 *     for (SamplerStepper.Request r = st.next(); r != null; r = st.next()) {
 *         st.respond(myDenoiser(r.x(), r.sigma()));
 *     }
 *     Latent result = st.result();
 * }
 * }</pre>
 * Not thread-safe: one caller drives one stepper. A request's {@code x} may be the sampler's own storage
 * ({@link LatentRing}): it is valid until the request is answered; copy it to keep it.
 */
public final class SamplerStepper implements AutoCloseable {
    /**
     * A model evaluation the sampler asks for: {@code D(x; sigma)}.
     *
     * @param index the evaluation's position, from 0
     * @param x the sample to denoise (valid until {@link #respond}: it may be the sampler's own storage)
     * @param sigma its noise level
     */
    public record Request(int index, Latent x, double sigma) {}

    private sealed interface Message permits Ask, Done, Failed {}

    private record Ask(Latent x, double sigma) implements Message {}

    private record Done(Latent result) implements Message {}

    private record Failed(Throwable error) implements Message {}

    private final SynchronousQueue<Message> toCaller = new SynchronousQueue<>();
    private final SynchronousQueue<Latent> toSampler = new SynchronousQueue<>();
    private final Thread worker;
    private boolean awaitingResponse;
    private Latent result;
    private int calls;

    /**
     * Prepares a run; the sampler starts on the first {@link #next()}.
     *
     * @param sampler the sampler
     * @param options its options
     * @param sigmas the schedule's sigmas
     * @param x the initial latent
     * @param ctx noise and step hook (called on the worker thread)
     */
    public SamplerStepper(Sampler sampler, SamplerOptions options, double[] sigmas, Latent x, SamplingContext ctx) {
        Objects.requireNonNull(sampler);
        double[] s = sigmas.clone();
        Denoiser proxy = (xi, sigma) -> {
            try {
                toCaller.put(new Ask(xi, sigma));
                return toSampler.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SamplingCancelledException("stepper closed");
            }
        };
        worker = new Thread(() -> {
            Message end;
            try {
                end = new Done(sampler.sample(proxy, x, s, options, ctx));
            } catch (SamplingCancelledException e) {
                if (Thread.currentThread().isInterrupted()) return;
                end = new Failed(e);
            } catch (Throwable t) {
                end = new Failed(t);
            }
            try {
                toCaller.put(end);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sampler4j-stepper-" + sampler.info().id());
        worker.setDaemon(true);
    }

    /**
     * Runs the sampler until it asks for the next model evaluation, or finishes.
     *
     * @return the request, or {@code null} when the sampler has finished (then {@link #result()} holds the latent)
     * @throws IllegalStateException if the previous request was not answered
     */
    public Request next() {
        if (result != null) return null;
        if (awaitingResponse) throw new IllegalStateException("respond() to request " + (calls - 1) + " before asking for the next one");
        if (worker.getState() == Thread.State.NEW) worker.start();
        Message m;
        try {
            m = toCaller.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SamplingCancelledException("interrupted while waiting for the sampler");
        }
        if (m instanceof Ask a) {
            awaitingResponse = true;
            return new Request(calls++, a.x(), a.sigma());
        }
        if (m instanceof Failed f) {
            if (f.error() instanceof RuntimeException re) throw re;
            if (f.error() instanceof Error er) throw er;
            throw new IllegalStateException(f.error());
        }
        result = ((Done) m).result();
        return null;
    }

    /**
     * Answers the pending request with the denoised estimate.
     *
     * @param denoised {@code D(x; sigma)} for the pending request's {@code x} and {@code sigma}
     */
    public void respond(Latent denoised) {
        if (!awaitingResponse) throw new IllegalStateException("no pending request; call next() first");
        awaitingResponse = false;
        try {
            toSampler.put(Objects.requireNonNull(denoised, "denoised"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SamplingCancelledException("interrupted while answering the sampler");
        }
    }

    /** {@return the final latent, once {@link #next()} returned {@code null}} */
    public Latent result() {
        if (result == null) throw new IllegalStateException("the sampler has not finished; call next() until it returns null");
        return result;
    }

    /** {@return number of model evaluations asked for so far} */
    public int calls() {
        return calls;
    }

    /** Stops the sampler if it is still running. */
    @Override
    public void close() {
        if (worker.isAlive()) worker.interrupt();
    }
}
