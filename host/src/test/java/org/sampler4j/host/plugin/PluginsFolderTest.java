package org.sampler4j.host.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.host.plugin.PluginsFolder.Source;

class PluginsFolderTest {
    static final Path RECIPE_DIR = Path.of("/recipes");

    @Test
    void precedenceOptionThenRecipeThenEnvironmentThenDistribution() {
        assertEquals(new PluginsFolder(Path.of("/cli"), Source.OPTION), PluginsFolder.resolve("/cli", "rp", RECIPE_DIR, "/env", "/home"));
        assertEquals(new PluginsFolder(Path.of("/recipes/rp"), Source.RECIPE), PluginsFolder.resolve(null, "rp", RECIPE_DIR, "/env", "/home"));
        assertEquals(new PluginsFolder(Path.of("/abs"), Source.RECIPE), PluginsFolder.resolve(null, "/abs", RECIPE_DIR, "/env", "/home"));
        assertEquals(new PluginsFolder(Path.of("/env"), Source.ENVIRONMENT), PluginsFolder.resolve(null, null, RECIPE_DIR, "/env", "/home"));
        assertEquals(new PluginsFolder(Path.of("/home/plugins"), Source.DISTRIBUTION), PluginsFolder.resolve(null, null, null, null, "/home"));
        assertEquals(new PluginsFolder(null, Source.NONE), PluginsFolder.resolve(null, null, null, null, null));
    }

    @Test
    void blankValuesCountAsUnset() {
        assertEquals(Source.ENVIRONMENT, PluginsFolder.resolve(" ", "", RECIPE_DIR, "/env", null).source());
    }

    @Test
    void anExplicitFolderMustExistTheDefaultNeedNot(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("nope");
        String p = PluginsFolder.resolve(missing.toString(), null, null, null, null).problem();
        assertTrue(p.contains("does not exist") && p.contains("--plugins") && p.contains(missing.toString()), p);
        assertTrue(PluginsFolder.resolve(null, null, null, missing.toString(), null).problem().contains("$SAMPLER4J_PLUGINS"));
        assertNull(PluginsFolder.resolve(null, null, null, null, missing.toString()).problem());
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertTrue(PluginsFolder.resolve(file.toString(), null, null, null, null).problem().contains("is a file"));
        assertNull(PluginsFolder.resolve(tmp.toString(), null, null, null, null).problem());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PluginHost.load(PluginsFolder.resolve(missing.toString(), null, null, null, null)));
        assertTrue(e.getMessage().contains("does not exist"));
    }

    @Test
    void withoutAFolderOnlyTheClasspathIsLoaded() {
        try (PluginHost host = PluginHost.load(PluginsFolder.resolve(null, null, null, null, null))) {
            assertTrue(host.plugins().stream().allMatch(s -> s.state() == PluginHost.State.CLASSPATH), host.plugins().toString());
            assertTrue(host.plugins().stream().anyMatch(s -> s.id().equals("core-samplers")));
            assertTrue(host.plugins().stream().anyMatch(s -> s.id().equals("ays")));
        }
    }
}
