package org.sampler4j.host.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.Models;

/** The bundled digits model (models/digits) against its evaluation classifier: the quality bar and determinism. */
class EvalDigitsTest {
    static final Path DIGITS = Path.of("..", "models", "digits");
    /** The quality bar of issue 8: at 30 steps with a good sampler, 90% of samples are recognised as their class. */
    static final double BAR = 0.9;

    @Test
    void samplesAtThirtyStepsAreRecognisedAsTheirClassAtLeastNinetyPercentOfTheTime() {
        try (DiffusionModel m = Models.open(DIGITS.toString()); Classifier c = Classifier.open(DIGITS.resolve("classifier"))) {
            List<Evaluation.Case> cases = List.of(new Evaluation.Case("dpmpp_2m", "trailing(30).zeroSnr()", "trailing(n).zeroSnr()"));
            for (double guidance : new double[] {3, 1}) { // the README's setting, and the model alone
                Evaluation.Report r = Evaluation.run(m, c, cases, Evaluation.Settings.of(10, guidance, 0), line -> { });
                Evaluation.Row row = r.rows().get(0);
                assertEquals(100, row.samples());
                assertEquals(30, row.nfe());
                assertTrue(row.accuracy() >= BAR, "guidance " + guidance + ": class accuracy " + row.accuracy() + " below the bar " + BAR + "\n" + r.table());
                assertTrue(r.classifierTestAccuracy() >= 0.97, "the classifier recognises the held-out real digits: " + r.classifierTestAccuracy());
                assertTrue(row.frechet() > 0 && Double.isFinite(row.frechet()), r.table());
            }
        }
    }

    @Test
    void theEvaluationOfTheDigitsModelIsDeterministic() {
        try (DiffusionModel m = Models.open(DIGITS.toString()); Classifier c = Classifier.open(DIGITS.resolve("classifier"))) {
            List<Evaluation.Case> cases = List.of(new Evaluation.Case("euler_a", "trailing(4).zeroSnr()", "trailing(n).zeroSnr()"));
            Evaluation.Settings s = new Evaluation.Settings(1, 11, 2, 0.5, java.util.Map.of(), "torch-cpu", 2000);
            Evaluation.Row a = Evaluation.run(m, c, cases, s, line -> { }).rows().get(0);
            Evaluation.Row b = Evaluation.run(m, c, cases, s, line -> { }).rows().get(0);
            assertEquals(a.accuracy(), b.accuracy());
            assertEquals(a.frechet(), b.frechet(), "same seeds, same samples, same features");
        }
    }
}
