package org.sampler4j.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.host.plugin.PluginJars;

/** The plugin commands: plugins list, samplers list, presets list, sample, and the global --plugins option. */
class PluginCliTest {
    @AfterEach
    void reset() {
        PluginSetup.reset();
    }

    static CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    @Test
    void listsWithoutAFolder() {
        CliTest.Run r = run("plugins", "list");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("plugins folder: none (classpath only)"), r.out());
        assertTrue(r.out().contains("core-samplers") && r.out().contains("classpath") && r.out().contains("samplers (ddim"), r.out());
        CliTest.Run s = run("samplers", "list");
        assertEquals(0, s.code());
        assertTrue(s.out().contains("plugin") && s.out().matches("(?s).*\\neuler +deterministic.*core-samplers.*"), s.out());
        CliTest.Run p = run("presets", "list");
        assertEquals(0, p.code());
        assertTrue(p.out().matches("(?s).*\\nays +align_your_steps +ays .*options=model,variant,denoise.*"), p.out());
        CliTest.Run one = run("presets", "ays");
        assertTrue(one.out().contains("plugin: ays") && one.out().contains("options: model, variant, denoise"), one.out());
    }

    @Test
    void sampleRunsASamplerOnTheAnalyticModel() {
        CliTest.Run r = run("sample", "euler", "--schedule", "linspace(6).karras()", "--batch", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("sampler euler from core-samplers") && r.out().contains("6 steps") && r.out().contains("6 model calls"), r.out());
        assertEquals(2 + 3, r.out().lines().count(), r.out());
        CliTest.Run typo = run("sample", "eulr");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("did you mean 'euler'"), typo.err());
        assertEquals(2, run("sample", "euler", "-o", "nope=1").code());
    }

    @Test
    void missingPluginsFolderIsAUserError(@TempDir Path tmp) {
        CliTest.Run r = run("--plugins", tmp.resolve("nope").toString(), "samplers", "list");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("does not exist") && r.err().contains("--plugins"), r.err());
    }

    @Test
    void aBrokenPluginIsAWarningAndTheCommandGoesOn(@TempDir Path dir) {
        PluginJars.jar(dir.resolve("broken.jar"), PluginJars.descriptor("broken", "1.0.0", "7.0.0"),
                PluginJars.compile(Map.of("t.cli.S", PluginJars.sampler("t.cli", "test_cli", ""))), PluginJars.index("t.cli.S"));
        CliTest.Run r = run("--plugins", dir.toString(), "sample", "euler");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning: plugin 'broken'") && r.err().contains("broken.jar") && r.err().contains("api 7.0.0"), r.err());
        CliTest.Run list = run("--plugins", dir.toString(), "plugins", "list");
        assertTrue(list.out().contains("broken") && list.out().contains("failed") && list.out().contains("reason: incompatible"), list.out());
        assertTrue(list.err().isEmpty(), "plugins list shows failures in its table, not as warnings: " + list.err());
    }

    @Test
    void theExamplePluginFromTheCommandLine(@TempDir Path dir) throws Exception {
        String p = System.getProperty("sampler4j.examplePlugin");
        assumeTrue(p != null && p.endsWith(".jar") && Files.isRegularFile(Path.of(p)), "the example plugin jar is built in the package phase (mvn verify)");
        Files.copy(Path.of(p), dir.resolve("custom-sampler-plugin.jar"));
        String d = dir.toString();
        CliTest.Run list = run("--plugins", d, "plugins", "list");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().matches("(?s).*\\ncustom-sampler +1\\.0\\.0 +started +sampler rk4; preset shifted_cosine .*custom-sampler-plugin\\.jar.*"), list.out());
        assertTrue(run("--plugins", d, "samplers", "list").out().matches("(?s).*\\nrk4 +deterministic, 4 calls/step.*custom-sampler 1\\.0\\.0.*runge_kutta_4.*"));
        assertTrue(run("--plugins", d, "presets", "list").out().matches("(?s).*\\nshifted_cosine +- +custom-sampler 1\\.0\\.0 +options=shift.*"));
        CliTest.Run sample = run("--plugins", d, "sample", "rk4", "--schedule", "preset(shifted_cosine, 8, shift=2)");
        assertEquals(0, sample.code(), sample.err());
        assertTrue(sample.out().startsWith("sampler rk4 from custom-sampler 1.0.0") && sample.out().contains("8 steps, sigma 15.00 -> 0.000, 29 model calls"),
                sample.out());
    }
}
