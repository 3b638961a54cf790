package org.sampler4j.api.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScheduleDslTest {
    private static final DiscreteNoiseModel SD15 = DiscreteNoiseModel.sd15();

    @ParameterizedTest
    @ValueSource(strings = {
        "trailing(10)", "leading(25).stepsOffset(1)", "linspace(8).karras()", "trailing(10).zeroSnr().karras()",
        "trailing(10).karras(rho=5)", "linspace(20).exponential()", "linspace(20).beta(alpha=0.5, beta=0.7)",
        "linspace(20).polyexponential(rho=2)", "timesteps(999, 850, 736, 24)", "sigmas(14.615, 6.475, 1.5, 0)",
        "trailing(10).finalSigma(sigma_min)", "trailing(10).truncate(0.6)", "linspace(10).denoise(0.5)",
        "linspace(10).karras(sigma_min=0.03, sigma_max=20)", "preset(ays, 10, model=sdxl)",
        "leading(10).convention(extra_point=true, round_linspace=true, timesteps=round, terminal=keep_zero, lenient_steps=false)"})
    void textRoundTrips(String text) {
        ScheduleSpec spec = Schedule.parse(text);
        assertEquals(spec, Schedule.parse(spec.toString()), "parse(print(spec)) == spec");
        assertEquals(spec.toString(), Schedule.parse(spec.toString()).toString());
    }

    @Test
    void fluentAndTextAgree() {
        assertEquals(Schedule.trailing(10).karras().zeroSnr(), Schedule.parse("trailing(10).karras().zeroSnr()"));
        assertEquals("trailing(10).zeroSnr().karras()", Schedule.trailing(10).karras().zeroSnr().toString());
    }

    @Test
    void callOrderDoesNotMatter() {
        Schedule a = Schedule.trailing(10).karras().zeroSnr().finalSigma(FinalSigma.SIGMA_MIN).resolve(SD15);
        Schedule b = Schedule.trailing(10).finalSigma(FinalSigma.SIGMA_MIN).zeroSnr().karras().resolve(SD15);
        assertEquals(a, b);
        assertEquals(Schedule.parse("trailing(10).karras().zeroSnr()"), Schedule.parse("trailing(10).zeroSnr().karras()"));
    }

    @Test
    void specsAreImmutableValues() {
        ScheduleSpec base = Schedule.trailing(10);
        ScheduleSpec k = base.karras();
        assertNotEquals(base, k);
        assertEquals("trailing(10)", base.toString());
        double[] in = {999, 500, 10};
        ScheduleSpec t = Schedule.timesteps(in);
        in[0] = 1;
        assertEquals("timesteps(999, 500, 10)", t.toString());
    }

    @Test
    void resolvedArraysDoNotEscape() {
        Schedule s = Schedule.trailing(5).resolve(SD15);
        double[] sig = s.sigmas();
        sig[0] = -1;
        assertEquals(14.614646, s.sigma(0), 1e-5);
        double[] ts = s.timesteps();
        ts[0] = -1;
        assertEquals(999, s.timestep(0));
    }

    @Test
    void trailingSpacingMatchesDiffusers() {
        Schedule s = Schedule.trailing(5).resolve(SD15);
        assertArrayEquals(new double[] {999, 799, 599, 399, 199}, s.timesteps());
        assertEquals(6, s.sigmas().length);
        assertEquals(0.0, s.sigma(5));
    }

    @Test
    void leadingSpacingWithOffset() {
        assertArrayEquals(new double[] {801, 601, 401, 201, 1}, Schedule.leading(5).stepsOffset(1).resolve(SD15).timesteps());
    }

    @Test
    void zeroSnrEndsAtInfiniteNoiseClampedTo4096() {
        Schedule s = Schedule.trailing(10).zeroSnr().resolve(SD15);
        assertEquals(4096.0, s.sigma(0), 0.001);
        assertEquals(Double.NEGATIVE_INFINITY, Schedule.trailing(10).resolve(SD15).logSnr(10) * -1);
    }

    @Test
    void karrasEndpointsComeFromTheSpacedSigmas() {
        Schedule plain = Schedule.linspace(10).resolve(SD15);
        Schedule k = Schedule.linspace(10).karras().resolve(SD15);
        assertEquals(plain.sigma(0), k.sigma(0), 1e-12);
        assertEquals(plain.sigma(9), k.sigma(9), 1e-12);
        assertTrue(k.sigma(5) < plain.sigma(5));
    }

    @Test
    void splitAndConcatAreInverse() {
        Schedule s = Schedule.trailing(10).karras().resolve(SD15);
        Schedule[] parts = s.split(4);
        assertEquals(4, parts[0].steps());
        assertEquals(6, parts[1].steps());
        assertEquals(parts[0].sigma(4), parts[1].sigma(0));
        assertEquals(s, parts[0].concat(parts[1]));
        assertThrows(ScheduleException.class, () -> parts[1].concat(parts[0]));
    }

    @Test
    void truncateKeepsTheLastSteps() {
        Schedule s = Schedule.trailing(10).resolve(SD15);
        Schedule t = Schedule.trailing(10).truncate(0.6).resolve(SD15);
        assertEquals(6, t.steps());
        assertEquals(s.timestep(4), t.timestep(0));
        assertEquals(t, s.truncate(0.6));
    }

    @Test
    void denoiseWidensThenCuts() {
        Schedule d = Schedule.linspace(10).denoise(0.5).resolve(SD15);
        Schedule full = Schedule.linspace(20).resolve(SD15);
        assertEquals(10, d.steps());
        assertArrayEquals(full.tail(10).sigmas(), d.sigmas());
    }

    @Test
    void flowAndEdmModels() {
        Schedule f = Schedule.linspace(4).shift(3).resolve(FlowNoiseModel.standard());
        assertEquals(1.0, f.sigma(0), 1e-12);
        assertEquals(1000.0, f.timestep(0), 1e-9);
        Schedule e = Schedule.linspace(5).resolve(EdmNoiseModel.standard());
        assertEquals(80.0, e.sigma(0), 1e-9);
        assertEquals(0.002, e.sigma(4), 1e-12);
        assertEquals(0.25 * Math.log(80), e.timestep(0), 1e-12);
    }

    @Test
    void explicitSigmasKeepTheirFinalValue() {
        Schedule s = Schedule.sigmas(14.6, 7, 3, 1, 0.5, 0.1, 0).resolve(SD15);
        assertEquals(6, s.steps());
        assertEquals(0.0, s.sigma(6));
        assertEquals(998.83, s.timestep(0), 0.01);
    }

    static String message(Runnable r) {
        return assertThrows(ScheduleException.class, r::run).getMessage();
    }

    @Test
    void errorsNameTheProblemAndTheFix() {
        assertEquals("steps must be >= 1, got 0", message(() -> Schedule.trailing(0)));
        assertTrue(message(() -> Schedule.parse("trailing(10).karas()")).contains("did you mean 'karras'?"));
        assertTrue(message(() -> Schedule.parse("trailng(10)")).contains("did you mean 'trailing'?"));
        assertTrue(message(() -> Schedule.trailing(1001).resolve(SD15)).contains("steps (1001) must be <= num_train_timesteps (1000)"));
        assertTrue(message(() -> Schedule.timesteps(999, 999, 10)).contains("strictly decreasing"));
        assertTrue(message(() -> Schedule.sigmas(1, 2, 0)).contains("strictly decreasing"));
        assertTrue(message(() -> Schedule.sigmas(14, Double.NaN, 0)).contains("finite"));
        assertTrue(message(() -> Schedule.parse("trailing(10).karras(rh=5)")).contains("did you mean 'rho'?"));
        assertTrue(message(() -> Schedule.parse("karras()")).contains("starts with a base"));
        assertTrue(message(() -> Schedule.parse("trailing(ten)")).contains("must be an integer"));
        assertTrue(message(() -> Schedule.parse("trailing(10).zeroSnr()").resolve(FlowNoiseModel.standard())).contains("remove zeroSnr()"));
        assertTrue(message(() -> Schedule.parse("trailing(10)x")).contains("column 13"));
        assertTrue(message(() -> Schedule.parse("")).contains("empty schedule"));
        assertTrue(message(() -> NoiseModels.named("sd1.5")).contains("did you mean 'sd15'?"));
        assertTrue(message(() -> Schedule.trailing(5).resolve(EdmNoiseModel.standard())).contains("use linspace(5)"));
    }

    @Test
    void conventionsAreExplicit() {
        ScheduleSpec dpm = Schedule.leading(10).convention(new Convention(true, true, Convention.TimestepRounding.ROUND, DiscreteNoiseModel.TerminalClamp.CLAMP));
        assertEquals(List.of(900.0, 810.0), List.of(dpm.resolve(SD15).timestep(0), dpm.resolve(SD15).timestep(1)));
    }
}
