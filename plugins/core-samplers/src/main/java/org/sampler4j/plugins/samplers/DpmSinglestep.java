package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplerStorage;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Singlestep DPM-Solver-1/2/3, Lu et al. 2022 Algorithm 1 (diffusers {@code DPMSolverSinglestepScheduler}): steps grouped
 * by diffusers' {@code order_list} ({@link SinglestepOrders}); a group of k intervals is one order-k step whose
 * intermediate points are the schedule's own sigmas, each reached by a lower-order step from the group's start. Data
 * (DPM-Solver++) or noise (DPM-Solver) form; {@code sde=true}: data-form SDE (sde-dpmsolver++), a draw on every step.
 */
@Extension
public final class DpmSinglestep implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("dpm_singlestep", List.of("dpm_solver_singlestep", "dpmsolver_singlestep"),
            "singlestep DPM-Solver(++) of order 1-3 over the schedule's own sigmas (1 model call per sigma)",
            "Lu et al. 2022, DPM-Solver Algorithm 1 (diffusers DPMSolverSinglestepScheduler)", options(), SamplerInfo.Capabilities.stochastic(1));

    private static List<OptionSpec> options() {
        return List.of(OptionSpec.integer("order", 2, 1, 3, "order of each singlestep group (diffusers solver_order)"),
                OptionSpec.choice("form", "data", List.of("data", "noise"), "integrate the denoised estimate (DPM-Solver++) or the noise (DPM-Solver)"),
                Dpmpp2mSde.solverType(Dpmpp2mSde.MIDPOINT),
                OptionSpec.bool("sde", false, "the stochastic data-form variant (sde-dpmsolver++): fresh noise on every step"),
                OptionSpec.bool("lower_order_final", true, "split the last group into lower orders ([1,1] / [1,2,1]); always on for a schedule ending at 0"),
                OptionSpec.integer("begin_index", 0, 0, null, "a part-way start: the sigmas are a schedule's tail from this step on; its"
                        + " orders are lowered where the history is missing (diffusers set_begin_index / img2img)"));
    }

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        boolean data = o.choice("form").equals("data");
        boolean sde = o.bool("sde");
        boolean heun = o.choice("solver_type").equals(Dpmpp2mSde.HEUN);
        if (sde && !data) throw new IllegalArgumentException("dpm_singlestep: sde=true needs form=data (diffusers has no singlestep sde-dpmsolver)");
        int[] orders = SinglestepOrders.of(sigmas, o.integer("order"), o.bool("lower_order_final"), o.integer("begin_index"));
        Latent[] m = new Latent[3]; // the model outputs of the current group, m[j] at its sigma j
        Latent start = x;
        int order = o.integer("order");
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(sde ? 2 * order : order + 1); // the group's start stays valid through its writes
        LatentRing ds = storage.ring(order); // the group's denoised estimates
        LatentRing outputs = storage.ring(order); // the group's noise predictions (noise form)
        LatentRing differences = storage.ring(2); // the divided differences of a step (two for a third-order one)
        for (int i = 0; i < sigmas.length - 1; i++) {
            Latent denoised = storage.denoise(x, sigmas[i], ds);
            int k = orders[i];
            int s = i + 1 - k; // the group's first sigma
            if (k == 1) start = x;
            m[k - 1] = DpmUpdate.output(data, x, sigmas[i], denoised, outputs);
            double sigmaNext = sigmas[i + 1];
            Latent noise = sde ? ctx.noise().noise(sigmas[i], sigmaNext, x) : null;
            if (sigmaNext == 0) {
                x = denoised;
            } else {
                double h = ExpIntegrator.h(sigmas[s], sigmaNext);
                boolean fullThird = k == 3 && heun; // 3rd order: phi2-type T1 weight with either solver type
                DpmUpdate u = data ? DpmUpdate.data(h, sde, heun || k == 3) : DpmUpdate.noise(h, sigmaNext, sde, heun || k == 3);
                if (k == 1) {
                    x = u.apply(xs, start, m[0]);
                } else if (k == 2) {
                    double r0 = ExpIntegrator.h(sigmas[s], sigmas[s + 1]) / h;
                    x = u.apply(xs, start, m[0], differences.sum(1 / r0, m[1], -1 / r0, m[0]));
                } else {
                    double r0 = ExpIntegrator.h(sigmas[s], sigmas[s + 2]) / h;
                    double r1 = ExpIntegrator.h(sigmas[s], sigmas[s + 1]) / h;
                    Latent[] t = SinglestepOrders.thirdOrderTerms(m[0], m[1], m[2], r0, r1, fullThird, differences);
                    x = fullThird ? u.apply(xs, start, m[0], t[0], t[1]) : u.apply(xs, start, m[0], t[0]);
                }
                if (sde) x = xs.sum(1, x, DpmUpdate.noiseStd(true, sigmaNext, h), noise);
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
