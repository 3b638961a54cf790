package org.sampler4j.api.preset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.api.schedule.EdmNoiseModel;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.ScheduleSpec;

/** Preset files: parsing, interpolation to other step counts, the DSL's preset(file:PATH, n), errors. */
class PresetFileTest {
    static final EdmNoiseModel EDM = EdmNoiseModel.standard();
    static final double[] TABLE = {80, 2.5, 0.6, 0.2, 0.05, 0};

    static String json(String id, String noise, double[] sigmas) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sigmas.length; i++) b.append(i == 0 ? "" : ", ").append(sigmas[i]);
        return "{\n  \"format\": \"sampler4j-preset/1\", \"id\": \"" + id + "\", \"noise_model\": \"" + noise + "\",\n  \"steps\": " + (sigmas.length - 1)
                + ", \"sigmas\": [" + b + "], \"method\": \"direct\", \"seeds\": {\"seed\": 0, \"note\": \"a \\\"quoted\\\" \\u00e9\"}, \"ok\": true, \"none\": null\n}";
    }

    @Test
    void parsesTheTableAndKeepsTheProvenance() {
        PresetFile f = PresetFile.parse(json("fit5", EDM.describe(), TABLE), "t.json");
        assertEquals("fit5", f.id());
        assertEquals(5, f.steps());
        assertArrayEquals(TABLE, f.sigmas(), 0);
        assertEquals("direct", f.document().get("method"));
        assertEquals("a \"quoted\" \u00e9", ((Map<?, ?>) f.document().get("seeds")).get("note"));
        assertEquals(Boolean.TRUE, f.document().get("ok"));
    }

    @Test
    void theStoredStepCountGivesTheTableOtherCountsInterpolateLogLinearly() {
        PresetFile f = PresetFile.parse(json("fit5", EDM.describe(), TABLE), "t.json");
        assertArrayEquals(TABLE, f.sigmas(5), 0);
        // 9 steps: the 5 positive sigmas at positions 0, 2, 4, 6, 8 and their geometric means in between; final sigma kept
        double[] nine = f.sigmas(9);
        assertEquals(10, nine.length);
        for (int k = 0; k < 5; k++) assertEquals(TABLE[k], nine[2 * k], 1e-12 * TABLE[k]);
        for (int k = 0; k < 4; k++) assertEquals(Math.sqrt(TABLE[k] * TABLE[k + 1]), nine[2 * k + 1], 1e-12 * TABLE[k]);
        assertEquals(0, nine[9]);
        // fewer steps keep both ends
        double[] three = f.sigmas(3);
        assertEquals(80, three[0], 0);
        assertEquals(0.05, three[2], 1e-15);
        assertEquals(0, three[3]);
        assertArrayEquals(new double[] {80, 0}, f.sigmas(1), 0);
        for (int n = 1; n <= 40; n++) {
            double[] s = f.sigmas(n);
            for (int k = 1; k < s.length; k++) assertTrue(s[k] < s[k - 1], n + " steps");
        }
    }

    @Test
    void theDslReadsAPresetFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fit-5.json");
        Files.writeString(file, json("fit5", EDM.describe(), TABLE));
        String text = "preset(file:" + file + ", 5)";
        ScheduleSpec spec = Schedule.parse(text);
        assertEquals(text, spec.toString(), "the text round-trips");
        assertArrayEquals(TABLE, spec.resolve(EDM).sigmas(), 0);
        assertArrayEquals(PresetFile.read(file).sigmas(7), Schedule.parse("preset(file:" + file + ", 7)").resolve(EDM).sigmas(), 0);
    }

    @Test
    void mistakesNameTheProblem(@TempDir Path dir) throws Exception {
        ScheduleException missing = assertThrows(ScheduleException.class, () -> Schedule.parse("preset(file:" + dir.resolve("none.json") + ", 5)").resolve(EDM));
        assertTrue(missing.getMessage().contains("does not exist") && missing.getMessage().contains("sampler4j optimize"), missing.getMessage());
        Path other = dir.resolve("other.json");
        Files.writeString(other, json("x", "discrete(something)", TABLE));
        ScheduleException wrongModel = assertThrows(ScheduleException.class, () -> Schedule.parse("preset(file:" + other + ", 5)").resolve(EDM));
        assertTrue(wrongModel.getMessage().contains("fitted for the noise model discrete(something)") && wrongModel.getMessage().contains("strict=false"), wrongModel.getMessage());
        assertArrayEquals(TABLE, Schedule.parse("preset(file:" + other + ", 5, strict=false)").resolve(EDM).sigmas(), 0);
        assertThrows(ScheduleException.class, () -> PresetFile.parse("{\"format\": \"other\"}", "x.json"));
        assertTrue(assertThrows(ScheduleException.class, () -> PresetFile.parse("{\"format\": \"sampler4j-preset/1\", \"noise_model\": \"m\", \"sigmas\": [1, 2, 0]}", "x.json"))
                .getMessage().contains("strictly descending"));
        assertTrue(assertThrows(ScheduleException.class, () -> PresetFile.parse("{\"format\": ", "x.json")).getMessage().contains("not valid JSON"));
    }
}
