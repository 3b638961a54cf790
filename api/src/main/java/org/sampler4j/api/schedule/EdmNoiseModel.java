package org.sampler4j.api.schedule;

import java.util.Objects;

/**
 * Continuous VE noise model of Karras et al. 2022 (EDM): {@code x = x0 + sigma n} with sigma in
 * {@code [sigmaMin, sigmaMax]}, data standard deviation {@code sigmaData}; the network's noise conditioning is
 * {@code c_noise = log(sigma)/4} (diffusers' {@code EDMEulerScheduler}, k-diffusion's {@code KarrasDenoiser}).
 */
public final class EdmNoiseModel implements NoiseModel {
    private final double sigmaMin;
    private final double sigmaMax;
    private final double sigmaData;

    /**
     * @param sigmaMin smallest sigma (default 0.002)
     * @param sigmaMax largest sigma (default 80)
     * @param sigmaData data standard deviation (default 0.5)
     */
    public EdmNoiseModel(double sigmaMin, double sigmaMax, double sigmaData) {
        if (!(sigmaMin > 0) || !(sigmaMax > sigmaMin)) {
            throw new ScheduleException("EDM needs 0 < sigma_min < sigma_max, got sigma_min=" + sigmaMin + ", sigma_max=" + sigmaMax);
        }
        if (!(sigmaData > 0)) throw new ScheduleException("sigma_data must be > 0, got " + sigmaData);
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
        this.sigmaData = sigmaData;
    }

    /** {@return the EDM defaults: 0.002, 80, 0.5} */
    public static EdmNoiseModel standard() {
        return new EdmNoiseModel(0.002, 80.0, 0.5);
    }

    @Override
    public double sigmaMin() { return sigmaMin; }

    @Override
    public double sigmaMax() { return sigmaMax; }

    /** {@return the data standard deviation} */
    public double sigmaData() { return sigmaData; }

    /**
     * EDM's noise conditioning {@code 0.25 * log(sigma)}.
     *
     * @param sigma the noise level, positive
     * @return the network's noise conditioning {@code 0.25 * ln(sigma)}
     */
    public double timestepOf(double sigma) {
        return 0.25 * Math.log(sigma);
    }

    @Override
    public String describe() {
        return "edm(sigma_min=" + ScheduleText.num(sigmaMin) + ", sigma_max=" + ScheduleText.num(sigmaMax) + ", sigma_data=" + ScheduleText.num(sigmaData) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EdmNoiseModel m && m.sigmaMin == sigmaMin && m.sigmaMax == sigmaMax && m.sigmaData == sigmaData;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sigmaMin, sigmaMax, sigmaData);
    }

    @Override
    public String toString() {
        return describe();
    }
}
