package org.sampler4j.host.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

    @Test
    void aUserFolderAddsToTheDistributionsFolder(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("dist"));
        Path dist = Files.createDirectories(home.resolve("plugins"));
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        assertEquals(java.util.List.of(dist, mine), PluginsFolder.resolve(mine.toString(), null, null, null, home.toString()).loadOrder(home.toString()));
        assertEquals(java.util.List.of(dist, mine), PluginsFolder.resolve(null, null, null, mine.toString(), home.toString()).loadOrder(home.toString()));
        assertEquals(java.util.List.of(dist), PluginsFolder.resolve(null, null, null, null, home.toString()).loadOrder(home.toString()));
        assertEquals(java.util.List.of(dist), PluginsFolder.resolve(dist.toString(), null, null, null, home.toString()).loadOrder(home.toString()),
                "the distribution's folder named again is loaded once");
        assertEquals(java.util.List.of(mine), PluginsFolder.resolve(mine.toString(), null, null, null, null).loadOrder(null));
        assertEquals(java.util.List.of(), PluginsFolder.resolve(null, null, null, null, tmp.resolve("none").toString()).loadOrder(tmp.resolve("none").toString()));

        // both folders' plugins are started; a user plugin can still not take a built-in id
        Map<String, byte[]> a = PluginJars.compile(Map.of("t.dist.S", PluginJars.sampler("t.dist", "test_dist", "")));
        PluginJars.jar(dist.resolve("dist.jar"), PluginJars.descriptor("dist-plugin", "1.0.0", "0.1.0"), a, PluginJars.index("t.dist.S"));
        Map<String, byte[]> b = PluginJars.compile(Map.of("t.mine.S", PluginJars.sampler("t.mine", "test_mine", "")));
        PluginJars.jar(mine.resolve("mine.jar"), PluginJars.descriptor("my-plugin", "1.0.0", "0.1.0"), b, PluginJars.index("t.mine.S"));
        Map<String, byte[]> e = PluginJars.compile(Map.of("t.e.S", PluginJars.sampler("t.e", "euler", "")));
        PluginJars.jar(mine.resolve("takes-euler.jar"), PluginJars.descriptor("takes-euler", "1.0.0", "0.1.0"), e, PluginJars.index("t.e.S"));
        PluginJars.jar(mine.resolve("z-dup.jar"), PluginJars.descriptor("dist-plugin", "1.0.0", "0.1.0"), a, PluginJars.index("t.dist.S"));
        String old = System.getProperty(PluginsFolder.HOME_PROPERTY);
        System.setProperty(PluginsFolder.HOME_PROPERTY, home.toString());
        try (PluginHost host = PluginHost.load(PluginsFolder.resolve(mine.toString(), null, null, null, home.toString())).install()) {
            Map<String, PluginHost.PluginStatus> byFile = new java.util.HashMap<>();
            for (PluginHost.PluginStatus st : host.plugins()) byFile.put(Path.of(st.file()).getFileName().toString(), st);
            assertEquals(PluginHost.State.STARTED, byFile.get("dist.jar").state());
            assertEquals(PluginHost.State.STARTED, byFile.get("mine.jar").state());
            assertEquals(PluginHost.State.FAILED, byFile.get("takes-euler.jar").state());
            assertTrue(byFile.get("takes-euler.jar").reason().contains("euler"), byFile.get("takes-euler.jar").reason());
            assertEquals(PluginHost.State.FAILED, byFile.get("z-dup.jar").state());
            assertTrue(byFile.get("z-dup.jar").reason().contains("already used by"), byFile.get("z-dup.jar").reason());
            assertTrue(org.sampler4j.api.sampler.Samplers.registry().has("test_dist"));
            assertTrue(org.sampler4j.api.sampler.Samplers.registry().has("test_mine"));
            assertEquals("org.sampler4j.plugins.samplers.Euler", org.sampler4j.api.sampler.Samplers.get("euler").getClass().getName());
        } finally {
            if (old == null) System.clearProperty(PluginsFolder.HOME_PROPERTY);
            else System.setProperty(PluginsFolder.HOME_PROPERTY, old);
        }
    }
}
