package org.sampler4j.plugins.samplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * The DPM-Solver++ samplers on a constant denoiser {@code D(x; sigma) = c}: the probability-flow ODE is then solved by
 * {@code x(sigma) = c + (sigma / sigma_0)(x_0 - c)}, which every exponential-integrator step reproduces exactly (the
 * multistep corrections vanish), so with eta = 0 the result is {@code c} on a schedule ending at 0 and
 * {@code c + (sigma_n / sigma_0)(x_0 - c)} on one ending above 0.
 */
class DpmppSamplersTest {
    private static final double[] C = {0.25, -1.5, 3.0, 0.0, 2.0, -0.75};
    private static final double[] X0 = {14.0, -3.0, 7.5, -20.0, 0.5, 11.0};

    private static Latent run(String id, Map<String, Object> given, double[] sigmas, SamplingContext ctx) {
        Sampler s = Samplers.get(id);
        Map<String, Object> params = new HashMap<>(given);
        if (s.info().options().stream().map(OptionSpec::name).anyMatch("eta"::equals)) params.put("eta", 0.0);
        SamplerOptions o = s.options(params);
        Latent c = ArrayLatent.ofDoubles(C, 3, 2);
        Denoiser constant = (x, sigma) -> c;
        return s.sample(constant, ArrayLatent.ofDoubles(X0, 3, 2), sigmas, o, ctx);
    }

    /** Noise of ones: with eta = 0 it must be multiplied by 0 wherever it is drawn. */
    private static SamplingContext ones() {
        return SamplingContext.of((s, sn, like) -> {
            double[] v = new double[like.size()];
            Arrays.fill(v, 1.0);
            return like.withValues(v);
        });
    }

    @ParameterizedTest
    @CsvSource({"dpmpp_2s_ancestral,", "dpmpp_sde,", "dpmpp_2m,", "dpmpp_2m_sde,midpoint", "dpmpp_2m_sde,heun", "dpmpp_3m_sde,"})
    void constantDenoiserIsReproducedExactly(String id, String solverType) {
        Map<String, Object> params = solverType == null ? Map.of() : Map.of("solver_type", solverType);
        SamplingContext ctx = id.equals("dpmpp_2m") ? SamplingContext.deterministic() : ones();
        double[] toZero = run(id, params, new double[] {14.6, 6.0, 2.5, 0.9, 0.2, 0.03, 0.0}, ctx).toDoubleArray();
        double[] toLow = run(id, params, new double[] {10.0, 4.0, 1.5, 0.5, 0.1}, ctx).toDoubleArray();
        for (int k = 0; k < C.length; k++) {
            assertEquals(C[k], toZero[k], 1e-12, id + " to 0, element " + k);
            double expected = C[k] + 0.01 * (X0[k] - C[k]);
            assertEquals(expected, toLow[k], 1e-12 * (1 + Math.abs(X0[k])), id + " to 0.1, element " + k);
        }
    }

    @Test
    void aliasesResolve() {
        assertSame(Samplers.get("dpmpp_2m").getClass(), Samplers.get("dpm++2m").getClass());
        assertSame(Samplers.get("dpmpp_2m").getClass(), Samplers.get("k_dpmpp_2m").getClass());
        assertSame(Samplers.get("dpmpp_sde").getClass(), Samplers.get("DPMSolverSDEScheduler").getClass());
        assertSame(Samplers.get("dpmpp_2s_ancestral").getClass(), Samplers.get("dpm++_2s_a").getClass());
        assertSame(Samplers.get("dpmpp_3m_sde").getClass(), Samplers.get("dpm++_3m_sde").getClass());
    }

    /** With eta = 0, k-diffusion's dpmpp_sde still draws (and multiplies by 0); ComfyUI does not draw. */
    @ParameterizedTest
    @CsvSource({"dpmpp_sde,comfyui,0", "dpmpp_sde,k-diffusion,8", "dpmpp_2m_sde,k-diffusion,0", "dpmpp_3m_sde,comfyui,0"})
    void noiseDrawsFollowTheReference(String id, String reference, int draws) {
        AtomicInteger n = new AtomicInteger();
        SamplingContext counting = SamplingContext.of((s, sn, like) -> {
            n.incrementAndGet();
            return like.withValues(new double[like.size()]);
        });
        run(id, Map.of("reference", reference), new double[] {14.6, 6.0, 2.5, 0.9, 0.2, 0.0}, counting);
        assertEquals(draws, n.get());
    }

    @Test
    void everySamplerNamesItsReferenceFunction() {
        for (String id : List.of("dpmpp_2s_ancestral", "dpmpp_sde", "dpmpp_2m", "dpmpp_2m_sde", "dpmpp_3m_sde")) {
            String provenance = Samplers.get(id).info().provenance();
            assertEquals(true, provenance.contains("sample_" + id), provenance);
        }
    }
}
