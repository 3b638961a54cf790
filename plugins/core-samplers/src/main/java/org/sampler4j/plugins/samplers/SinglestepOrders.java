package org.sampler4j.plugins.samplers;

import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;

/**
 * The grouping of singlestep DPM-Solver ({@code dpm_singlestep}): diffusers'
 * {@code DPMSolverSinglestepScheduler.get_order_list}, and the third-order divided differences.
 */
final class SinglestepOrders {
    private SinglestepOrders() {}

    /**
     * The order of each of the {@code n} steps: groups {@code 1, 2, .., order}; a remainder of {@code n mod order}
     * steps ends as {@code 1, .., n mod order}; with {@code lowerOrderFinal} (forced when the schedule ends at 0) a
     * last full group is split into {@code [1, 1]} (order 2) or {@code [1, 2, 1]} (order 3); a step to 0 is first
     * order.
     */
    static int[] of(double[] sigmas, int order, boolean lowerOrderFinal) {
        return of(sigmas, order, lowerOrderFinal, 0);
    }

    /**
     * The orders of a part-way start: {@code sigmas} is the tail of a schedule from its step {@code begin} on; each
     * step takes the full schedule's order ({@link #of(double[], int, boolean)}) lowered to the model outputs it has,
     * {@code min(order, j + 1)} at the tail's step {@code j}, as diffusers' {@code step} does ("for img2img denoising
     * might start with order > 1 which is not possible": {@code while model_outputs[-order] is None: order -= 1}).
     * A lowered step begins a new group, so the groups stay consistent.
     */
    static int[] of(double[] sigmas, int order, boolean lowerOrderFinal, int begin) {
        int[] full = fullOrders(begin + sigmas.length - 1, sigmas.length > 1 && sigmas[sigmas.length - 1] == 0, order, lowerOrderFinal);
        int[] out = new int[sigmas.length - 1];
        for (int j = 0; j < out.length; j++) out[j] = Math.min(full[begin + j], j + 1);
        return out;
    }

    private static int[] fullOrders(int n, boolean toZero, int order, boolean lowerOrderFinal) {
        int groups = n / order;
        int[] tail;
        if ((lowerOrderFinal || toZero) && order > 1 && n % order == 0) {
            groups--;
            tail = order == 3 ? new int[] {1, 2, 1} : new int[] {1, 1};
        } else {
            tail = new int[n % order];
            for (int i = 0; i < tail.length; i++) tail[i] = i + 1;
        }
        int[] out = new int[n];
        int k = 0;
        for (int g = 0; g < groups; g++) for (int p = 1; p <= order; p++) out[k++] = p;
        for (int p : tail) out[k++] = p;
        if (toZero) out[n - 1] = 1;
        return out;
    }

    /**
     * Third-order terms from the group's outputs {@code m0} (start), {@code m1}, {@code m2} at ratios {@code r1 =
     * h(m1)/h}, {@code r0 = h(m2)/h}: with {@code d1 = (m2 - m0)/r0}, {@code d0 = (m1 - m0)/r1}, either {@code [d1]}
     * (midpoint: DPM-Solver-3 from the last intermediate point) or {@code [T1, T2]} with {@code T1 = (r0 d0 -
     * r1 d1)/(r0 - r1)}, {@code T2 = 2 (d1 - d0)/(r0 - r1)} (heun: full second-order interpolation); written into
     * {@code into} (a ring of at least 2).
     */
    static Latent[] thirdOrderTerms(Latent m0, Latent m1, Latent m2, double r0, double r1, boolean full, LatentRing into) {
        double a = 1 / r0;
        double b = 1 / r1;
        if (!full) return new Latent[] {into.sum(a, m2, -a, m0)};
        double q = r0 - r1;
        // T1 = (r0 b (m1 - m0) - r1 a (m2 - m0)) / q, T2 = 2 (a (m2 - m0) - b (m1 - m0)) / q, expanded in m0, m1, m2
        double t1m1 = r0 * b / q;
        double t1m2 = -r1 * a / q;
        Latent t1 = into.sum(-t1m1 - t1m2, m0, t1m1, m1, t1m2, m2);
        double t2m1 = -2 * b / q;
        double t2m2 = 2 * a / q;
        Latent t2 = into.sum(-t2m1 - t2m2, m0, t2m1, m1, t2m2, m2);
        return new Latent[] {t1, t2};
    }
}
