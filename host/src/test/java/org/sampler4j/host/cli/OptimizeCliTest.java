package org.sampler4j.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optimize command: preset file, plugin jar, eval accepting the preset, errors. */
class OptimizeCliTest {
    @Test
    void writesAPresetFileAndAJarThatEvalAccepts(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("fits/g4.json");
        Path jar = dir.resolve("plugins/g4.jar");
        CliTest.Run r = CliTest.run("optimize", "--model", "gmm:1x4x4", "-s", "euler", "--steps", "4", "--max-evaluations", "30", "-n", "10",
                "--reference-steps", "100", "-o", out.toString(), "--plugin-jar", jar.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("use it as preset(file:" + out + ", 4)") && r.out().contains("plugin g4"), r.out());
        JsonNode doc = new ObjectMapper().readTree(Files.readString(out));
        assertEquals("g4", doc.get("id").asText());
        assertEquals("euler", doc.get("sampler").asText());
        assertEquals("direct", doc.get("method").asText());
        assertEquals(5, doc.get("sigmas").size());
        assertTrue(doc.get("error_after").asDouble() <= doc.get("error_before").asDouble());
        assertTrue(Files.isRegularFile(jar));
        CliTest.Run e = CliTest.run("eval", "--model", "gmm:1x4x4", "-s", "euler", "--schedule", "preset(file:" + out + ", 4)", "--per-class", "1",
                "--reference-steps", "100", "--quiet");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("preset(file:" + out + ", 4)"), e.out());
        CliTest.Run p = CliTest.run("--plugins", jar.getParent().toString(), "schedule", "preset(g4, 4)", "--model", "edm");
        assertEquals(0, p.code(), p.err());
    }

    @Test
    void aStochasticSamplerWithAReferenceObjectiveGetsANote(@TempDir Path dir) {
        String o = dir.resolve("x.json").toString();
        CliTest.Run r = CliTest.run("optimize", "--model", "gmm:1x4x4", "-s", "dpmpp_2m_sde", "--steps", "3", "--method", "gits", "-n", "2", "--grid", "8", "-o", o);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("note: dpmpp_2m_sde is stochastic: --method gits measures the distance to a deterministic reference"), r.err());
        r = CliTest.run("optimize", "--model", "gmm:1x4x4", "-s", "dpmpp_2m", "--steps", "3", "--method", "gits", "-n", "2", "--grid", "8", "-o", o);
        assertEquals(0, r.code(), r.err());
        assertTrue(!r.err().contains("note:"), r.err());
    }

    @Test
    void mistakesAreOneLineUserErrors(@TempDir Path dir) {
        String o = dir.resolve("x.json").toString();
        String[][] cases = {
            {"unknown optimize method 'dirct'", "optimize", "--model", "gmm", "-s", "euler", "--steps", "4", "--method", "dirct", "-o", o},
            {"steps must be >= 2", "optimize", "--model", "gmm", "-s", "euler", "--steps", "1", "-o", o},
            {"preset id '9x' is not valid", "optimize", "--model", "gmm", "-s", "euler", "--steps", "4", "--id", "9x", "-o", o},
            {"-o must name a .json file", "optimize", "--model", "gmm", "-s", "euler", "--steps", "4", "-o", dir.resolve("x.txt").toString()},
            {"unknown sampler", "optimize", "--model", "gmm", "-s", "eulr", "--steps", "4", "-o", o},
            {"--method frechet needs an evaluation classifier", "optimize", "--model", "gmm", "-s", "euler", "--steps", "4", "--method", "frechet", "-o", o},
        };
        for (String[] c : cases) {
            CliTest.Run r = CliTest.run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(Main.USER_ERROR, r.code(), c[0] + ": " + r.err());
            assertTrue(r.err().contains(c[0]) && r.err().strip().lines().count() == 1, r.err());
            assertTrue(!Files.exists(Path.of(o)), "nothing written: " + c[0]);
        }
    }

    @Test
    void frechetFitsToTheDigitsClassifierAndLowersTheDistance(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("d3.json");
        String[] args = {"optimize", "--model", Path.of("..", "models", "digits").toString(), "-s", "dpmpp_2m", "--steps", "2", "--method", "frechet",
            "-n", "20", "--max-evaluations", "5", "--reference-steps", "10", "-o", out.toString(), "-q"};
        CliTest.Run r = CliTest.run(args);
        assertEquals(0, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(Files.readString(out));
        assertEquals("frechet", doc.get("method").asText());
        assertTrue(doc.get("objective").asText().contains("Frechet"), doc.toString());
        assertTrue(doc.get("objective_after").asDouble() <= doc.get("objective_before").asDouble(), doc.toString());
        assertEquals(5, doc.get("evaluations").asInt());
        String first = Files.readString(out);
        assertEquals(0, CliTest.run(args).code());
        assertEquals(first.replaceAll("\"seconds\" : [0-9.eE+-]+", ""), Files.readString(out).replaceAll("\"seconds\" : [0-9.eE+-]+", ""),
                "deterministic for a seed (evaluation limit, not time, ends it)");
    }
}
