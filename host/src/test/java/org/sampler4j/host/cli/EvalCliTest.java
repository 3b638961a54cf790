package org.sampler4j.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.host.image.Pngs;

/** The eval command: table, one JSON document on stdout, the plot, errors. */
class EvalCliTest {
    @Test
    void jsonIsOneDocumentWithEveryCaseAndThePlotIsWritten(@TempDir Path dir) throws IOException {
        Path plot = dir.resolve("plots/eval.png");
        CliTest.Run r = CliTest.run("eval", "--model", "gmm:1x8x8", "-s", "euler", "-s", "heun", "--schedule", "linspace(10).karras()",
                "--steps", "4,8", "--per-class", "1", "--guidance", "2", "--reference-steps", "200", "--plot", plot.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("gmm:1x8x8", doc.get("model").asText());
        assertEquals(4, doc.get("rows").size());
        JsonNode first = doc.get("rows").get(0);
        assertEquals("euler", first.get("sampler").asText());
        assertEquals("linspace(4).karras()", first.get("schedule").asText());
        assertEquals("linspace(n).karras()", first.get("series").asText());
        assertEquals(4, first.get("nfe").asInt());
        assertTrue(first.get("ode_error").asDouble() > 0);
        assertTrue(first.get("accuracy").isNull(), "no classifier for gmm");
        assertEquals(plot.toString(), doc.get("plot").asText());
        assertTrue(Pngs.read(plot).image().getWidth() > 400);
        assertTrue(r.err().contains("heun  linspace(8).karras()"), "progress on stderr: " + r.err());
    }

    @Test
    void theTableNamesEveryCase() {
        CliTest.Run r = CliTest.run("eval", "--model", "gmm:1x4x4", "-s", "dpmpp_2m", "--schedule", "linspace(3).karras()", "--per-class", "1",
                "--reference-steps", "50", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("dpmpp_2m") && r.out().contains("linspace(3).karras()") && r.out().contains("ODE error"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void mistakesAreUserErrors() {
        CliTest.Run r = CliTest.run("eval", "--model", "gmm", "--per-class", "0");
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().contains("samples per class must be >= 1"), r.err());
        r = CliTest.run("eval", "--model", "gmm", "--classifier", "no/such/folder");
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().contains("no classifier.yaml in no/such/folder"), r.err());
        r = CliTest.run("eval", "--model", "gmm", "--schedule", "sigmas(80, 1, 0)", "--steps", "5");
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().contains("--steps works with"), r.err());
    }
}
