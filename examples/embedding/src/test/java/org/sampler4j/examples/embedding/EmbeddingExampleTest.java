package org.sampler4j.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EmbeddingExampleTest {
    @Test
    void bothStylesGiveTheSameAccurateResult() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        double[] e = EmbeddingExample.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("callback style") && out.contains("loop-owning style"), out);
        assertEquals(e[0], e[1], 0.0, "the loop-owning style must reproduce the callback style exactly");
        assertTrue(e[0] < 0.05, "12 Heun steps should be within 0.05 of the exact solution, got " + e[0]);
    }
}
