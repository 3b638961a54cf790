package org.sampler4j.plugin.ays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.preset.Presets;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.ScheduleSpec;
import org.sampler4j.plugin.ays.AlignYourSteps.Model;

class AysPresetsTest {
    private static final DiscreteNoiseModel SD = DiscreteNoiseModel.sd15();

    private static double[] sigmas(String dsl) {
        return Schedule.parse(dsl).resolve(SD).sigmas();
    }

    @Test
    void foundOnTheClasspath() {
        assertTrue(Presets.get("ays") instanceof AysPreset);
        assertTrue(Presets.get("align_your_steps") instanceof AysPreset);
        assertTrue(Presets.get("gits") instanceof GitsPreset);
    }

    @Test
    void plainAysIsComfyUi() {
        double[] s = sigmas("preset(ays, 10)");
        double[] levels = AlignYourSteps.noiseLevels(Model.SD1);
        assertEquals(11, s.length);
        for (int i = 0; i < 10; i++) assertEquals((float) levels[i], s[i], 0.0, "level " + i);
        assertEquals(0.0, s[10]); // the published sigma_min is replaced by 0
        assertArrayEquals(AlignYourSteps.comfyui(Model.SDXL, 15, 1), sigmas("preset(ays, 15, model=sdxl)"));
        double[] half = sigmas("preset(ays, 10, denoise=0.5)");
        assertArrayEquals(Arrays.copyOfRange(s, 5, 11), half);
    }

    @Test
    void webuiVariantInterpolatesToNValuesPlusZero() {
        double[] forge = sigmas("preset(ays, 10, model=sdxl, variant=forge)");
        assertEquals(11, forge.length);
        assertEquals((float) 14.615, forge[0], 0.0);
        assertEquals((float) 0.029, forge[9], 0.0); // sigma_min kept as the last step
        assertEquals(0.0, forge[10]);
        assertArrayEquals(forge, sigmas("preset(ays, 10, model=sdxl, variant=a1111)"));
        double[] eleven = sigmas("preset(ays, 11, variant=webui)");
        assertEquals((float) 6.475, eleven[1], 0.0); // the published (rounded) levels at 11 steps
        ScheduleException e = assertThrows(ScheduleException.class, () -> sigmas("preset(ays, 10, model=svd, variant=webui)"));
        assertTrue(e.getMessage().contains("variant=comfyui"), e.getMessage());
    }

    @Test
    void diffusersVariant() {
        assertArrayEquals(new double[] {14.615, 6.315, 3.771, 2.181, 1.342, 0.862, 0.555, 0.380, 0.234, 0.113, 0.0},
                sigmas("preset(ays, 10, model=sdxl, variant=diffusers)"));
        ScheduleException e = assertThrows(ScheduleException.class, () -> sigmas("preset(ays, 12, variant=diffusers)"));
        assertTrue(e.getMessage().contains("10-step"), e.getMessage());
    }

    @Test
    void gits() {
        double[] s = sigmas("preset(gits, 10, coeff=1.2)");
        assertArrayEquals(sigmas("preset(gits, 10)"), s);
        double[] row = Gits.row(1.2, 10);
        assertEquals(11, s.length);
        assertEquals((float) row[9], s[9], 0.0);
        assertEquals(0.0, s[10]);
        assertEquals(26, sigmas("preset(gits, 25, coeff=0.8)").length);
        assertEquals(15, Gits.coefficients().size());
        ScheduleException e = assertThrows(ScheduleException.class, () -> sigmas("preset(gits, 10, coeff=1.23)"));
        assertTrue(e.getMessage().contains("did you mean 1.25"), e.getMessage());
        e = assertThrows(ScheduleException.class, () -> sigmas("preset(gits, 1)"));
        assertTrue(e.getMessage().contains(">= 2"), e.getMessage());
    }

    @Test
    void unknownOptionsAndValuesSuggest() {
        ScheduleException e = assertThrows(ScheduleException.class, () -> sigmas("preset(ays, 10, modle=sdxl)"));
        assertTrue(e.getMessage().contains("did you mean 'model'"), e.getMessage());
        e = assertThrows(ScheduleException.class, () -> sigmas("preset(ays, 10, model=sdxxl)"));
        assertTrue(e.getMessage().contains("did you mean 'sdxl'"), e.getMessage());
        e = assertThrows(ScheduleException.class, () -> sigmas("preset(ays, 10, variant=froge)"));
        assertTrue(e.getMessage().contains("did you mean 'forge'"), e.getMessage());
        e = assertThrows(ScheduleException.class, () -> sigmas("preset(gits, 10, cof=1.2)"));
        assertTrue(e.getMessage().contains("did you mean 'coeff'"), e.getMessage());
        e = assertThrows(ScheduleException.class, () -> sigmas("preset(ays, 10, variant=forge, denoise=0.5)"));
        assertTrue(e.getMessage().contains(".denoise("), e.getMessage());
        e = assertThrows(ScheduleException.class, () -> sigmas("preset(aws, 10)"));
        assertTrue(e.getMessage().contains("did you mean 'ays'"), e.getMessage());
    }

    @Test
    void presetTextRoundTrips() {
        String text = "preset(ays, 10, model=sdxl, variant=forge)";
        ScheduleSpec spec = Schedule.parse(text);
        assertEquals(text, spec.toString());
        assertEquals(spec, Schedule.parse(spec.toString()));
    }
}
