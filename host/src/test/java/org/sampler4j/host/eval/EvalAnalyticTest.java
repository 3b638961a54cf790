package org.sampler4j.host.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.Models;

/** The evaluation on the built-in analytic model: the ODE error against the fine reference solve, determinism. */
class EvalAnalyticTest {
    private static final Evaluation.Settings SETTINGS = new Evaluation.Settings(2, 3, 2, 0, java.util.Map.of(), "torch-cpu", 1000);

    private static List<Evaluation.Case> cases(String sampler, int... steps) {
        return java.util.Arrays.stream(steps).mapToObj(n -> new Evaluation.Case(sampler, "linspace(" + n + ").karras()", "linspace(n).karras()")).toList();
    }

    @Test
    void theOdeErrorFallsWithStepsAndFasterForHigherOrderSamplers() {
        try (DiffusionModel gmm = Models.open("gmm:1x8x8")) {
            List<Evaluation.Case> cases = new java.util.ArrayList<>(cases("euler", 4, 8, 16, 32));
            cases.addAll(cases("heun", 4, 8, 16, 32));
            Evaluation.Report r = Evaluation.run(gmm, null, cases, SETTINGS, line -> { });
            List<Evaluation.Row> euler = r.rows().subList(0, 4);
            List<Evaluation.Row> heun = r.rows().subList(4, 8);
            for (int i = 1; i < 4; i++) {
                assertTrue(euler.get(i).odeError() < 0.75 * euler.get(i - 1).odeError(), "euler error falls: " + r.table());
                assertTrue(heun.get(i).odeError() < 0.5 * heun.get(i - 1).odeError(), "heun error falls faster: " + r.table());
            }
            assertTrue(heun.get(3).odeError() < euler.get(3).odeError() / 3, "second order beats first order at 32 steps: " + r.table());
            assertEquals(32, euler.get(3).nfe());
            assertEquals(63, heun.get(3).nfe(), "heun: two evaluations per step but the last");
            assertEquals(20, euler.get(0).samples(), "2 per class, 10 classes");
            assertNull(euler.get(0).accuracy(), "no classifier, no accuracy");
            assertTrue(r.table().contains("ODE error"), r.table());
        }
    }

    @Test
    void thePlanEstimatesFromShortTimedRunsOfTheFirstCaseAndSaysSo() {
        try (DiffusionModel gmm = Models.open("gmm:1x8x8")) {
            List<Evaluation.Case> cases = new java.util.ArrayList<>(cases("euler", 4, 8));
            cases.addAll(cases("heun", 4));
            long t0 = System.nanoTime();
            Evaluation.Plan plan = Evaluation.plan(gmm, cases, SETTINGS);
            double planSeconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(3, plan.cases());
            assertEquals(20, plan.samples());
            assertEquals(4 + 8 + 8, plan.nfe(), "steps x calls per step, summed (an upper bound)");
            assertTrue(plan.seconds() > 0 && Double.isFinite(plan.seconds()), "an estimate: " + plan.seconds());
            assertTrue(planSeconds < 10, "cheap: warm-up and timed runs take " + planSeconds + " s");
            assertTrue(plan.describe().startsWith("3 case(s) x 20 samples, 20 model evaluations per sample in all; about "), plan.describe());
            assertTrue(plan.describe().endsWith(" of sampling (an estimate)"), plan.describe());
            // the time per model evaluation times all evaluations, the reference solve's (2 x 1000) included
            double perEvaluation = plan.seconds() / (plan.nfe() + 2.0 * SETTINGS.referenceSteps());
            assertTrue(perEvaluation > 0 && perEvaluation < 1, perEvaluation + " s per evaluation");
        }
    }

    @Test
    void theEvaluationIsDeterministic() {
        try (DiffusionModel gmm = Models.open("gmm:1x8x8")) {
            List<Evaluation.Case> cases = new java.util.ArrayList<>(cases("dpmpp_2m", 5, 10));
            cases.addAll(cases("euler_a", 5));
            Evaluation.Report a = Evaluation.run(gmm, null, cases, SETTINGS, line -> { });
            Evaluation.Report b = Evaluation.run(gmm, null, cases, SETTINGS, line -> { });
            for (int i = 0; i < cases.size(); i++) {
                assertEquals(a.rows().get(i).odeError(), b.rows().get(i).odeError(), "same seeds, same numbers");
                assertEquals(a.rows().get(i).nfe(), b.rows().get(i).nfe());
            }
            Evaluation.Report other = Evaluation.run(gmm, null, cases, new Evaluation.Settings(2, 4, 2, 0, java.util.Map.of(), "torch-cpu", 1000), line -> { });
            assertTrue(!a.rows().get(0).odeError().equals(other.rows().get(0).odeError()), "another seed, other samples");
        }
    }

    @Test
    void theReferenceScheduleStartsAtTheCaseSigmaAndEndsAtZero() {
        org.sampler4j.api.schedule.Schedule s = org.sampler4j.api.schedule.Schedule.parse(Evaluation.reference(80, 100))
                .resolve(org.sampler4j.api.schedule.EdmNoiseModel.standard());
        assertEquals(100, s.steps());
        assertEquals(80, s.sigma(0), 0);
        assertEquals(Evaluation.REFERENCE_SIGMA_MIN, s.sigma(99), 1e-12);
        assertEquals(0, s.sigma(100), 0);
    }
}
