package org.sampler4j.api.schedule;

import java.util.Arrays;
import java.util.Objects;
import org.sampler4j.api.math.Numerics;

/**
 * A DDPM-style noise model: betas over {@code N} discrete training timesteps (diffusers' {@code beta_schedule},
 * {@code num_train_timesteps}, {@code beta_start}, {@code beta_end}, {@code trained_betas},
 * {@code rescale_betas_zero_snr}). Immutable; the tables are computed once, in float32 exactly as diffusers does
 * ({@code torch.linspace}, sequential {@code cumprod}).
 *
 * <p>The default is Stable Diffusion 1.x/2.x/XL: {@code scaled_linear}, 0.00085 to 0.012, 1000 steps.
 */
public final class DiscreteNoiseModel implements NoiseModel {
    /** The value diffusers' sigma-space schedulers put in the last {@code alphas_cumprod} under zero-SNR. */
    public static final float ZERO_SNR_ALPHA_CUMPROD = 0x1p-24f;

    /** What happens to the last {@code alphas_cumprod} (zero after rescaling to zero terminal SNR). */
    public enum TerminalClamp {
        /** Set it to 2^-24 so the largest sigma is finite (4096): diffusers' Euler/DPM-Solver/UniPC. */
        CLAMP,
        /** Keep it at 0 (infinite sigma): diffusers' DDIM/DDPM, which work in alpha space. */
        KEEP_ZERO
    }

    private final BetaSchedule betaSchedule;
    private final int numTrainTimesteps;
    private final double betaStart;
    private final double betaEnd;
    private final float[] trainedBetas;
    private final boolean zeroSnr;
    private final TerminalClamp terminalClamp;

    private final float[] betas;
    private final float[] alphasCumprod;
    private final double[] sigmas;
    private final double[] logSigmas;

    private DiscreteNoiseModel(Builder b) {
        this.betaSchedule = b.betaSchedule;
        this.numTrainTimesteps = b.trainedBetas != null ? b.trainedBetas.length : b.numTrainTimesteps;
        this.betaStart = b.betaStart;
        this.betaEnd = b.betaEnd;
        this.trainedBetas = b.trainedBetas == null ? null : b.trainedBetas.clone();
        this.zeroSnr = b.zeroSnr;
        this.terminalClamp = b.terminalClamp;
        if (numTrainTimesteps < 2) {
            throw new ScheduleException("num_train_timesteps must be >= 2, got " + numTrainTimesteps);
        }
        if (!(betaStart > 0 && betaEnd > 0 && betaStart < 1 && betaEnd < 1) && trainedBetas == null) {
            throw new ScheduleException("beta_start and beta_end must lie in (0, 1), got " + betaStart + " and " + betaEnd);
        }
        float[] bs = trainedBetas != null ? trainedBetas.clone() : computeBetas(betaSchedule, numTrainTimesteps, betaStart, betaEnd);
        if (zeroSnr) bs = rescaleZeroTerminalSnr(bs);
        this.betas = bs;
        float[] alphas = new float[bs.length];
        for (int i = 0; i < bs.length; i++) alphas[i] = 1f - bs[i];
        float[] ac = Numerics.cumprodF32(alphas);
        if (zeroSnr && terminalClamp == TerminalClamp.CLAMP) ac[ac.length - 1] = ZERO_SNR_ALPHA_CUMPROD;
        this.alphasCumprod = ac;
        this.sigmas = new double[ac.length];
        this.logSigmas = new double[ac.length];
        for (int i = 0; i < ac.length; i++) {
            float s = (float) Math.sqrt((1f - ac[i]) / ac[i]);
            sigmas[i] = s;
            logSigmas[i] = (float) Math.log(s);
        }
    }

    /** {@return the SD1.5-style default: {@code scaled_linear}, 0.00085..0.012, 1000 steps} */
    public static DiscreteNoiseModel sd15() {
        return builder().build();
    }

    /** {@return a builder starting from the SD1.5-style default} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder with this model's settings} */
    public Builder toBuilder() {
        Builder b = new Builder().betaSchedule(betaSchedule).numTrainTimesteps(numTrainTimesteps).betaStart(betaStart)
                .betaEnd(betaEnd).zeroSnr(zeroSnr).terminalClamp(terminalClamp);
        if (trainedBetas != null) b.trainedBetas(trainedBetas);
        return b;
    }

    /** {@return this model rescaled to zero terminal SNR (Lin et al. 2023, "Common Diffusion Noise Schedules ... are Flawed")} */
    public DiscreteNoiseModel withZeroSnr() {
        return zeroSnr ? this : toBuilder().zeroSnr(true).build();
    }

    static float[] computeBetas(BetaSchedule schedule, int n, double start, double end) {
        switch (schedule) {
            case LINEAR:
                return Numerics.torch2LinspaceF32(start, end, n);
            case SCALED_LINEAR: {
                float[] r = Numerics.torch2LinspaceF32(Math.sqrt(start), Math.sqrt(end), n);
                for (int i = 0; i < n; i++) r[i] = r[i] * r[i];
                return r;
            }
            case SIGMOID: {
                float[] r = Numerics.torch2LinspaceF32(-6, 6, n);
                float scale = (float) (end - start);
                for (int i = 0; i < n; i++) {
                    float sig = (float) (1.0 / (1.0 + Math.exp(-(double) r[i])));
                    r[i] = sig * scale + (float) start;
                }
                return r;
            }
            default:
                return betasForAlphaBar(schedule, n);
        }
    }

    /** diffusers' {@code betas_for_alpha_bar}: {@code min(1 - abar(t2)/abar(t1), 0.999)} in double, stored as float32. */
    private static float[] betasForAlphaBar(BetaSchedule schedule, int n) {
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            double t1 = (double) i / n;
            double t2 = (double) (i + 1) / n;
            r[i] = (float) Math.min(1 - alphaBar(schedule, t2) / alphaBar(schedule, t1), 0.999);
        }
        return r;
    }

    private static double alphaBar(BetaSchedule schedule, double t) {
        switch (schedule) {
            case SQUAREDCOS_CAP_V2: {
                double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
                return c * c;
            }
            case EXP:
                return Math.exp(t * -12.0);
            case LAPLACE: {
                double lmb = -0.5 * Math.copySign(1, 0.5 - t) * Math.log(1 - 2 * Math.abs(0.5 - t) + 1e-6);
                double snr = Math.exp(lmb);
                return Math.sqrt(snr / (1 + snr));
            }
            default:
                throw new IllegalStateException(schedule + " is not an alpha-bar schedule");
        }
    }

    /** diffusers' {@code rescale_zero_terminal_snr} (Lin et al. 2023, Algorithm 1), in float32. */
    static float[] rescaleZeroTerminalSnr(float[] betas) {
        int n = betas.length;
        float[] alphas = new float[n];
        for (int i = 0; i < n; i++) alphas[i] = 1f - betas[i];
        float[] ac = Numerics.cumprodF32(alphas);
        float[] sqrtAc = new float[n];
        for (int i = 0; i < n; i++) sqrtAc[i] = (float) Math.sqrt(ac[i]);
        float first = sqrtAc[0];
        float last = sqrtAc[n - 1];
        float scale = first / (first - last);
        float[] abar = new float[n];
        for (int i = 0; i < n; i++) {
            float s = (sqrtAc[i] - last) * scale;
            abar[i] = s * s;
        }
        float[] out = new float[n];
        out[0] = 1f - abar[0];
        for (int i = 1; i < n; i++) out[i] = 1f - abar[i] / abar[i - 1];
        return out;
    }

    /** {@return number of training timesteps {@code N}} */
    public int numTrainTimesteps() {
        return numTrainTimesteps;
    }

    /** {@return the beta schedule ({@code null} names trained betas)} */
    public BetaSchedule betaSchedule() {
        return trainedBetas != null ? null : betaSchedule;
    }

    /** {@return {@code beta_start}} */
    public double betaStart() {
        return betaStart;
    }

    /** {@return {@code beta_end}} */
    public double betaEnd() {
        return betaEnd;
    }

    /** {@return whether the betas are rescaled to zero terminal SNR} */
    public boolean zeroSnr() {
        return zeroSnr;
    }

    /** {@return what the last {@code alphas_cumprod} is under zero-SNR} */
    public TerminalClamp terminalClamp() {
        return terminalClamp;
    }

    /** {@return the trained betas given explicitly ({@code trained_betas}), or {@code null} when the betas come from the beta schedule} */
    public float[] trainedBetas() {
        return trainedBetas == null ? null : trainedBetas.clone();
    }

    /** {@return the float32 betas (a copy)} */
    public float[] betas() {
        return betas.clone();
    }

    /** {@return the float32 {@code alphas_cumprod} (a copy)} */
    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /**
     * {@return {@code alphas_cumprod[t]}}
     *
     * @param t the training timestep, {@code 0 <= t < numTrainTimesteps()}
     */
    public float alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    /** {@return the training sigmas {@code sqrt((1-abar)/abar)} in ascending timestep order, float32 values (a copy)} */
    public double[] trainingSigmas() {
        return sigmas.clone();
    }

    /** {@return {@code log} of {@link #trainingSigmas()} in float32, as diffusers' {@code log_sigmas} (a copy)} */
    public double[] logSigmas() {
        return logSigmas.clone();
    }

    double[] logSigmasView() {
        return logSigmas;
    }

    /**
     * sigma at a (possibly fractional) timestep: linear interpolation of the training sigmas ({@code np.interp}).
     *
     * @param t the timestep in model time units, in {@code [0, N-1]}; fractional values interpolate
     * @return the sigma there
     */
    public double sigmaAt(double t) {
        int i = (int) t;
        if (i == t && i >= 0 && i < sigmas.length) return sigmas[i]; // a training timestep: np.interp's value at a node
        return Numerics.interp(t, timestepIndex(), sigmas);
    }

    private double[] timestepIndex() {
        double[] idx = index;
        if (idx == null) index = idx = Numerics.indices(sigmas.length);
        return idx;
    }

    private volatile double[] index;

    /**
     * The (fractional) timestep of a sigma: linear interpolation in log-sigma between neighbouring training
     * timesteps, clamped to {@code [0, N-1]} (diffusers' {@code _sigma_to_t}, k-diffusion's {@code sigma_to_t}).
     *
     * @param sigma a noise level, positive
     * @return the fractional timestep in {@code [0, N-1]}
     */
    public double sigmaToT(double sigma) {
        double logSigma = Math.log(Math.max(sigma, 1e-10));
        int n = logSigmas.length;
        // index of the last training log-sigma <= log_sigma (0 if none), at most n-2
        int low = 0;
        for (int i = 0; i < n; i++) if (logSigma - logSigmas[i] >= 0) low = i;
        low = Math.min(low, n - 2);
        double lo = logSigmas[low];
        double hi = logSigmas[low + 1];
        double w = (lo - logSigma) / (lo - hi);
        w = Math.min(1, Math.max(0, w));
        return (1 - w) * low + w * (low + 1);
    }

    @Override
    public double sigmaMin() {
        return sigmas[0];
    }

    @Override
    public double sigmaMax() {
        return sigmas[sigmas.length - 1];
    }

    @Override
    public String describe() {
        String base = trainedBetas != null ? "trained betas" : betaSchedule.id() + " " + ScheduleText.num(betaStart) + ".." + ScheduleText.num(betaEnd);
        return "discrete(" + base + ", N=" + numTrainTimesteps + (zeroSnr ? ", zero-SNR" : "") + ")";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DiscreteNoiseModel m)) return false;
        return betaSchedule == m.betaSchedule && numTrainTimesteps == m.numTrainTimesteps && betaStart == m.betaStart
                && betaEnd == m.betaEnd && Arrays.equals(trainedBetas, m.trainedBetas) && zeroSnr == m.zeroSnr
                && terminalClamp == m.terminalClamp;
    }

    @Override
    public int hashCode() {
        return Objects.hash(betaSchedule, numTrainTimesteps, betaStart, betaEnd, Arrays.hashCode(trainedBetas), zeroSnr, terminalClamp);
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builder for {@link DiscreteNoiseModel}; {@code set}-style methods, SD1.5 defaults. */
    public static final class Builder {
        private BetaSchedule betaSchedule = BetaSchedule.SCALED_LINEAR;
        private int numTrainTimesteps = 1000;
        private double betaStart = 0.00085;
        private double betaEnd = 0.012;
        private float[] trainedBetas;
        private boolean zeroSnr;
        private TerminalClamp terminalClamp = TerminalClamp.CLAMP;

        private Builder() {}

        /**
         * Sets the beta schedule ({@code beta_schedule}).
         *
         * @param v how the betas run from {@code beta_start} to {@code beta_end}
         * @return this builder
         */
        public Builder betaSchedule(BetaSchedule v) { this.betaSchedule = Objects.requireNonNull(v); return this; }
        /**
         * Sets {@code num_train_timesteps}.
         *
         * @param v the number of training timesteps, at least 1 (1000 for Stable Diffusion)
         * @return this builder
         */
        public Builder numTrainTimesteps(int v) { this.numTrainTimesteps = v; return this; }
        /**
         * Sets {@code beta_start}.
         *
         * @param v the first beta, in {@code (0, 1)} (0.00085 for Stable Diffusion)
         * @return this builder
         */
        public Builder betaStart(double v) { this.betaStart = v; return this; }
        /**
         * Sets {@code beta_end}.
         *
         * @param v the last beta, in {@code (0, 1)} (0.012 for Stable Diffusion)
         * @return this builder
         */
        public Builder betaEnd(double v) { this.betaEnd = v; return this; }
        /**
         * Explicit betas ({@code trained_betas}); overrides schedule, start, end and N.
         *
         * @param v the betas, one per training timestep, each in {@code (0, 1)}
         * @return this builder
         */
        public Builder trainedBetas(float[] v) { this.trainedBetas = v == null ? null : v.clone(); return this; }
        /**
         * Rescale to zero terminal SNR.
         *
         * @param v whether to rescale the betas to zero terminal SNR (diffusers' {@code rescale_betas_zero_snr})
         * @return this builder
         */
        public Builder zeroSnr(boolean v) { this.zeroSnr = v; return this; }
        /**
         * Sets what the last alpha-bar becomes under zero-SNR.
         *
         * @param v clamp it to a tiny positive value, or keep it 0 (depends on the class)
         * @return this builder
         */
        public Builder terminalClamp(TerminalClamp v) { this.terminalClamp = Objects.requireNonNull(v); return this; }
        /**
         * Builds and validates. Models are immutable and their 1,000-entry tables depend only on these settings, so
         * a model built before with the same settings is returned (a small cache: schedule resolution no longer
         * recomputes the tables every time).
         *
         * @return the noise model (shared with earlier builds of the same settings)
         */
        public DiscreteNoiseModel build() {
            Key key = new Key(betaSchedule, numTrainTimesteps, betaStart, betaEnd, trainedBetas == null ? null : trainedBetas.clone(), zeroSnr, terminalClamp);
            synchronized (CACHE) {
                DiscreteNoiseModel m = CACHE.get(key);
                if (m != null) return m;
            }
            DiscreteNoiseModel m = new DiscreteNoiseModel(this);
            synchronized (CACHE) {
                CACHE.put(key, m);
            }
            return m;
        }
    }

    /** The settings a model's tables depend on (arrays compared by content). */
    private record Key(BetaSchedule schedule, int n, double start, double end, float[] trained, boolean zeroSnr, TerminalClamp clamp) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && schedule == k.schedule && n == k.n && Double.compare(start, k.start) == 0
                    && Double.compare(end, k.end) == 0 && Arrays.equals(trained, k.trained) && zeroSnr == k.zeroSnr && clamp == k.clamp;
        }

        @Override
        public int hashCode() {
            return Objects.hash(schedule, n, start, end, Arrays.hashCode(trained), zeroSnr, clamp);
        }
    }

    /** Recently built models, least recently used dropped beyond 64. */
    private static final java.util.Map<Key, DiscreteNoiseModel> CACHE = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Key, DiscreteNoiseModel> eldest) {
            return size() > 64;
        }
    };
}
