package org.sampler4j.api.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.EdmNoiseModel;
import org.sampler4j.api.schedule.FlowNoiseModel;

/**
 * Each adapter inverts its parametrisation: a network built from the exact Gaussian-mixture denoiser in eps, v, x0,
 * EDM or flow form gives back that denoiser.
 */
class DenoisersTest {
    static final GaussianMixture GMM = GaussianMixture.golden();
    static final DiscreteNoiseModel SD = DiscreteNoiseModel.sd15();
    static final Latent X = ArrayLatent.ofDoubles(new double[] {3.0, -7.5, 0.25, 12.0, -1.0, 4.0}, 3, 2);

    static void assertClose(Latent expected, Latent actual) {
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 1e-10);
    }

    /** The inverse of log-sigma interpolation: {@code exp} of the linearly interpolated training log-sigmas. */
    static double sigmaOf(double t) {
        double[] logs = SD.logSigmas();
        int lo = (int) Math.floor(t);
        int hi = Math.min(lo + 1, logs.length - 1);
        return Math.exp(logs[lo] + (t - lo) * (logs[hi] - logs[lo]));
    }

    /** A network that predicts {@code p} for the VE latent behind its scaled input. */
    static ModelFunction network(Prediction p) {
        return (in, t) -> {
            double sigma = sigmaOf(t);
            Latent x = Latents.scale(Math.sqrt(sigma * sigma + 1), in);
            Latent d = GMM.denoise(x, sigma);
            double alpha = 1 / Math.sqrt(1 + sigma * sigma);
            Latent eps = Latents.sum(1 / sigma, x, -1 / sigma, d);
            switch (p) {
                case EPSILON: return eps;
                case SAMPLE: return d;
                default: return Latents.sum(alpha, eps, -sigma * alpha, d); // v = alpha eps - sigma_vp x0
            }
        };
    }

    @ParameterizedTest
    @EnumSource(value = Prediction.class, names = {"EPSILON", "V_PREDICTION", "SAMPLE"})
    void discreteAdaptersInvertTheirParametrisation(Prediction p) {
        Denoiser d = Denoisers.discrete(network(p), SD, p);
        for (double t : new double[] {999, 500.25, 37}) {
            double sigma = sigmaOf(t);
            assertClose(GMM.denoise(X, sigma), d.denoise(X, sigma));
        }
    }

    @Test
    void edmAndFlowAdapters() {
        EdmNoiseModel edm = EdmNoiseModel.standard();
        double sd = edm.sigmaData();
        ModelFunction f = (in, cNoise) -> {
            double sigma = Math.exp(4 * cNoise);
            double v = sigma * sigma + sd * sd;
            Latent x = Latents.scale(Math.sqrt(v), in);
            return Latents.sum(-sd * sd / v / (sigma * sd / Math.sqrt(v)), x, 1 / (sigma * sd / Math.sqrt(v)), GMM.denoise(x, sigma));
        };
        assertClose(GMM.denoise(X, 2.5), Denoisers.edm(f, edm).denoise(X, 2.5));
        FlowNoiseModel flow = FlowNoiseModel.standard();
        // in the flow frame the clean estimate is x - sigma v: a network predicting v = (x - D)/sigma round-trips
        ModelFunction fv = (x, t) -> Latents.sum(1 / (t / 1000), x, -1 / (t / 1000), GMM.denoise(x, t / 1000));
        assertClose(GMM.denoise(X, 0.4), Denoisers.flow(fv, flow).denoise(X, 0.4));
    }

    @Test
    void timestepMaps() {
        double sigma = SD.sigmaAt(500.25);
        double[] seen = new double[1];
        ModelFunction probe = (in, t) -> { seen[0] = t; return in; };
        Denoisers.discrete(probe, SD, Prediction.SAMPLE, Denoisers.TimestepMap.LOG_SIGMA).denoise(X, sigma);
        assertEquals(500.25, seen[0], 0.01);
        Denoisers.discrete(probe, SD, Prediction.SAMPLE, Denoisers.TimestepMap.NEAREST).denoise(X, sigma);
        assertEquals(500, seen[0]);
        Denoisers.discrete(probe, SD, Prediction.SAMPLE, Denoisers.TimestepMap.CONTINUOUS).denoise(X, sigma);
        assertEquals(0.25 * Math.log(sigma), seen[0], 1e-15);
    }

    @Test
    void clipAndDynamicThresholding() {
        Denoiser big = (x, s) -> x.withValues(new double[] {3, -3, 0.5, -0.5, 2, 1});
        assertArrayEquals(new double[] {1, -1, 0.5, -0.5, 1, 1}, Denoisers.clipSample(big, 1).denoise(X, 1).toDoubleArray());
        // per item, s = clamp(median |x0|, 1, 2): item 0 s = 2 -> [1, -1]; item 1 s = 1 -> unchanged; item 2 s = 1.5 -> [1, 2/3]
        double[] thr = Denoisers.dynamicThresholding(big, 0.5, 2).denoise(X, 1).toDoubleArray();
        assertArrayEquals(new double[] {1, -1, 0.5, -0.5, 1.0, 1 / 1.5}, thr, 1e-12);
    }

    @Test
    void dynamicThresholdingBelowOneFollowsTorchClamp() {
        // diffusers: s = torch.clamp(q, min=1, max=sample_max_value) applies the minimum, then the maximum, so a
        // sample_max_value below 1 wins over the floor of 1 (diffusers' test_full_loop_no_noise_thres uses 0.5).
        Denoiser big = (x, s) -> x.withValues(new double[] {3, -3, 0.5, -0.5, 2, 1});
        double[] thr = Denoisers.dynamicThresholding(big, 0.5, 0.5).denoise(X, 1).toDoubleArray();
        assertArrayEquals(new double[] {1, -1, 1, -1, 1, 1}, thr, 1e-12);
        Denoiser small = (x, s) -> x.withValues(new double[] {0.1, -0.2, 0.3, 0.05, -0.4, 0.6});
        // s = 0.5 for every item (never the floor 1): values inside [-s, s] are divided by 0.5, the others clip to +-1
        double[] scaled = Denoisers.dynamicThresholding(small, 0.5, 0.5).denoise(X, 1).toDoubleArray();
        assertArrayEquals(new double[] {0.2, -0.4, 0.6, 0.1, -0.8, 1}, scaled, 1e-12);
    }
}
