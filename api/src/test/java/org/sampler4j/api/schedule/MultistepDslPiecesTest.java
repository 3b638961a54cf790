package org.sampler4j.api.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The DSL pieces added for diffusers' DPM-Solver family: extra-point trailing, lambda_min_clipped, lu remap. */
class MultistepDslPiecesTest {
    private static final Convention MULTISTEP = new Convention(true, true, Convention.TimestepRounding.ROUND,
            DiscreteNoiseModel.TerminalClamp.CLAMP);
    private static final DiscreteNoiseModel COSINE = DiscreteNoiseModel.builder().betaSchedule(BetaSchedule.SQUAREDCOS_CAP_V2).build();

    @Test
    void extraPointAppliesToLeadingAndLinspaceOnly() {
        DiscreteNoiseModel m = DiscreteNoiseModel.sd15();
        // diffusers DPMSolverMultistepScheduler, 5 steps
        assertArrayEquals(new double[] {999, 799, 599, 399, 199}, Schedule.trailing(5).convention(MULTISTEP).resolve(m).timesteps());
        assertArrayEquals(new double[] {999, 799, 599, 400, 200}, Schedule.linspace(5).convention(MULTISTEP).resolve(m).timesteps());
        assertArrayEquals(new double[] {830, 664, 498, 332, 166}, Schedule.leading(5).convention(MULTISTEP).resolve(m).timesteps());
    }

    @Test
    void lambdaMinClippedNarrowsTheRange() {
        // diffusers: the cosine schedule with lambda_min_clipped = -5.1 drops the 4 noisiest training timesteps
        assertEquals(996, LogSnrClip.rangeEnd(COSINE, -5.1));
        assertEquals(1000, LogSnrClip.rangeEnd(COSINE, Double.NEGATIVE_INFINITY));
        assertArrayEquals(new double[] {995, 796, 597, 398, 199}, LogSnrClip.spacedTimesteps(Spacing.LINSPACE, 5, 1000, 996, 0, MULTISTEP));
        assertArrayEquals(new double[] {830, 664, 498, 332, 166}, LogSnrClip.spacedTimesteps(Spacing.LEADING, 5, 1000, 996, 0, MULTISTEP));
        // trailing keeps its step N/n and starts below the clipped end
        assertArrayEquals(new double[] {995, 795, 595, 395, 195}, LogSnrClip.spacedTimesteps(Spacing.TRAILING, 5, 1000, 996, 0, MULTISTEP));
        assertThrows(ScheduleException.class, () -> LogSnrClip.rangeEnd(COSINE, Double.NaN));
    }

    @Test
    void luIsUniformInLogSigmaWithFloat32Endpoints() {
        DiscreteNoiseModel m = DiscreteNoiseModel.sd15();
        Schedule s = Schedule.linspace(5).remap(new LuLambdas(m.sigmaMin(), m.sigmaMax())).convention(MULTISTEP).resolve(m);
        // diffusers DPMSolverMultistepScheduler(use_lu_lambdas=True), SD scaled_linear, 5 steps
        assertArrayEquals(new double[] {999, 681, 233, 20, 0}, s.timesteps());
        float[] expected = {14.614647f, 3.0889878f, 0.65289605f, 0.13799772f, 0.029167537f, 0f};
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], (float) s.sigma(i), 0f, "sigma " + i);
        double[] logs = new double[5];
        for (int i = 0; i < 5; i++) logs[i] = Math.log(s.sigma(i));
        for (int i = 1; i < 4; i++) assertEquals(logs[i] - logs[i - 1], logs[i + 1] - logs[i], 1e-12);
    }

    @Test
    void luRoundTripsThroughText() {
        ScheduleSpec spec = Schedule.parse("linspace(10).lu(sigma_min=0.03, sigma_max=14.6)");
        assertEquals(spec, Schedule.parse(spec.toString()));
        assertTrue(RemapRegistry.names().contains("lu"));
        assertEquals(new LuLambdas(null, null), Schedule.parse("trailing(4).lu()").remapValue());
    }
}
