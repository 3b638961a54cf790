package org.sampler4j.host.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sampler4j.host.image.Pngs;
import org.sampler4j.host.run.RunSettings;

/** Every recipe in examples/recipes validates and runs end to end; each output embeds a recipe that validates. */
class RecipeExamplesTest {
    static final Path EXAMPLES = Path.of("..", "examples", "recipes");

    static Stream<String> examples() throws IOException {
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("base.yaml")).sorted().toList().stream();
        }
    }

    @Test
    void everyScenarioOfTheSourceGuideHasARecipe() throws IOException {
        // the six scenarios of the source guide, plus digits.yaml: the README's main job
        assertEquals(List.of("ays-timesteps.yaml", "custom-sigmas.yaml", "digits.yaml", "karras-sigmas.yaml", "schedules-10-steps.yaml",
                "trailing-vs-leading.yaml", "zero-snr-rescale.yaml"), examples().toList());
    }

    /** Images per example: cells x batch. */
    static int images(String name) {
        return switch (name) {
            case "ays-timesteps.yaml", "zero-snr-rescale.yaml" -> 3;
            case "custom-sigmas.yaml" -> 1;
            case "karras-sigmas.yaml", "trailing-vs-leading.yaml" -> 2;
            case "schedules-10-steps.yaml" -> 12;
            case "digits.yaml" -> 10;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @MethodSource("examples")
    void runs(String name, @TempDir Path out) throws IOException {
        Path recipe = EXAMPLES.resolve(name);
        RecipeTesting.Run v = RecipeTesting.cli("validate", recipe.toString());
        assertEquals(0, v.code(), v.err());
        RecipeTesting.Run r = RecipeTesting.cli("run", recipe.toString(), "--out-dir", out.toString());
        assertEquals(0, r.code(), r.err());
        String stem = name.replace(".yaml", "");
        Path folder = out.resolve(stem);
        JsonNode index = new ObjectMapper().readTree(folder.resolve("index.json").toFile());
        int n = images(name);
        assertEquals(n, index.get("images").size(), index.toPrettyString());
        assertEquals(n + 1, Files.readAllLines(folder.resolve("index.csv")).size(), "header + one line per image");
        assertEquals(n > 1, Files.exists(folder.resolve("grid.png")));
        for (JsonNode img : index.get("images")) {
            Path png = folder.resolve(img.get("file").asText());
            String embedded = Pngs.read(png).text().get(RunSettings.PNG_KEY);
            assertTrue(embedded.startsWith("recipe: 1\n"), embedded);
            RecipeTesting.Run again = RecipeTesting.cli("validate", png.toString());
            assertEquals(0, again.code(), again.err());
        }
    }
}
