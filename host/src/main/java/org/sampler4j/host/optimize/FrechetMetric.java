package org.sampler4j.host.optimize;

import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.host.eval.Classifier;
import org.sampler4j.host.eval.Frechet;
import org.sampler4j.host.model.DiffusionModel;

/**
 * The quality {@link ScheduleOptimizer.Metric} of {@code optimize --method frechet}: the Fréchet distance between the
 * evaluation classifier's features of the final samples and of the classifier's held-out real images (Heusel et al.
 * 2017, "GANs trained by a two time-scale update rule", with the model's own classifier in place of Inception) —
 * measured exactly as {@code eval} measures it: samples mapped to 8-bit images by the model, classified, the features'
 * Gaussian compared with the real images' Gaussian ({@link Frechet}). The real images are measured once.
 */
public final class FrechetMetric implements ScheduleOptimizer.Metric {
    private final DiffusionModel model;
    private final Classifier classifier;
    private final Frechet.Gaussian real;

    /**
     * Measures the classifier's real images once.
     *
     * @param model the model whose samples are measured (it maps them to images)
     * @param classifier the evaluation classifier (stays open while the metric is used; the caller closes it)
     */
    public FrechetMetric(DiffusionModel model, Classifier classifier) {
        this.model = model;
        this.classifier = classifier;
        Classifier.RealImages ri = classifier.realImages();
        this.real = Frechet.Gaussian.fit(classifier.classify(ri.pixels()).features());
    }

    @Override
    public double of(Latent samples) {
        int batch = samples.shape()[0];
        float[] x = ArrayLatent.of(samples).toFloatArray();
        return Frechet.distance(Frechet.Gaussian.fit(classifier.classify(model.toPixels(x, batch)).features()), real);
    }
}
