package org.sampler4j.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.sampler4j.api.sampler.StepListener;
import org.sampler4j.host.sd.SdModel;
import org.sampler4j.host.sd.SdPipeline;
import org.sampler4j.host.sd.SdRequest;

/**
 * Per-step host overhead of Stable Diffusion sampling: everything a step does besides the UNet call (guidance, the
 * conversion to D, the sampler's update, noise, NaN checks, array copies into Java), measured inside the sampling loop
 * on a tiny model folder (-p model=DIR; made as the README's "Stable Diffusion models" section shows). Each
 * invocation is one guided 20-step run (prompts cached after the first, so the loop is what is timed); the model
 * counts the wall time spent in UNet calls ({@link SdModel#unetNanos}, the DJL call including its input and output
 * copies), the pipeline reports the loop's wall time, and the tear-down prints {@code overhead = (loop - unet) / unet}.
 * JMH's score is the time per step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
public class SdStepOverheadBenchmark {
    static final int STEPS = 20;

    /** A Stable Diffusion model folder (model.yaml with kind: sd or sdxl). */
    @Param({"models/tiny-sdxl"})
    public String model;

    @Param({"euler", "dpmpp_2m", "dpmpp_2m_sde"})
    public String sampler;

    private SdModel m;
    private SdRequest request;
    private long loopNanos;
    private long unetStart;
    private long callsStart;

    @Setup(Level.Trial)
    public void open() {
        m = SdModel.open(Path.of(model));
        request = new SdRequest(List.of("a photo of a cat"), List.of("blurry"), null, null, 1, null, null, 5.0, 0.0, 0, null, 1.0, 0,
                SdRequest.Noise.PER_ITEM, "torch-cpu", new SdRequest.Dsl(sampler, Map.of(), "trailing(" + STEPS + ")"), null);
        SdPipeline.run(m, request, StepListener.NONE);
    }

    @Setup(Level.Iteration)
    public void reset() {
        loopNanos = 0;
        unetStart = m.unetNanos();
        callsStart = m.unetCalls();
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public Object step() {
        SdPipeline.Result r = SdPipeline.run(m, request, StepListener.NONE);
        loopNanos += (long) (r.seconds() * 1e9);
        return r.latents();
    }

    @TearDown(Level.Iteration)
    public void report() {
        long unet = m.unetNanos() - unetStart;
        long calls = Math.max(1, m.unetCalls() - callsStart);
        System.out.printf(Locale.ROOT, "%n  [%s] loop %.3f ms/step, UNet call %.3f ms/step, host overhead %.2f %% of the UNet call%n", sampler,
                loopNanos / 1e6 / calls, unet / 1e6 / calls, 100.0 * (loopNanos - unet) / unet);
    }

    @TearDown(Level.Trial)
    public void close() {
        m.close();
    }
}
