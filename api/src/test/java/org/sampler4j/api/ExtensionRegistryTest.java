package org.sampler4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.ExtensionRegistry.DuplicateExtensionException;
import org.sampler4j.api.schedule.ScheduleException;

class ExtensionRegistryTest {
    record Thing(String id, List<String> aliases) {}

    static ExtensionRegistry<Thing> registry() {
        return new ExtensionRegistry<>(Thing.class, "thing", Thing::id, Thing::aliases, t -> Map.of("aliases", Integer.toString(t.aliases().size())));
    }

    static final Origin A = new Origin("plugin-a", "1.0", "/p/a.jar", false);
    static final Origin B = new Origin("plugin-b", "2.0", "/p/b.jar", false);

    @Test
    void entriesKnowTheirPluginAndCapabilities() {
        ExtensionRegistry<Thing> r = registry();
        Thing t = new Thing("one", List.of("uno"));
        r.install(r.base().plus(List.of(r.entry(t, A))));
        assertSame(t, r.get("uno"));
        assertEquals(A, r.entry("one").origin());
        assertEquals(Map.of("aliases", "1"), r.entry("one").capabilities());
        assertEquals(List.of("one", "uno"), r.names());
    }

    @Test
    void aDuplicateNameNamesBothPlugins() {
        ExtensionRegistry<Thing> r = registry();
        ExtensionRegistry.Index<Thing> one = r.base().plus(List.of(r.entry(new Thing("one", List.of("x")), A)));
        DuplicateExtensionException e = assertThrows(DuplicateExtensionException.class,
                () -> one.plus(List.of(r.entry(new Thing("two", List.of("x")), B))));
        assertTrue(e.getMessage().contains("thing 'x' is provided twice") && e.getMessage().contains("plugin-a 1.0 (/p/a.jar)")
                && e.getMessage().contains("plugin-b 2.0 (/p/b.jar)"), e.getMessage());
        assertEquals(1, one.entries().size(), "plus is all or nothing and leaves the index unchanged");
    }

    @Test
    void builtInsComeFirstAndCannotBeReplaced() {
        ExtensionRegistry<Thing> r = registry();
        r.addBuiltIn(new Thing("core", List.of()));
        assertTrue(r.entry("core").origin().isBuiltIn());
        assertThrows(DuplicateExtensionException.class, () -> r.install(r.base().plus(List.of(r.entry(new Thing("core", List.of()), A)))));
        assertThrows(IllegalArgumentException.class, () -> r.install(registry().base()));
        assertEquals("core", r.entries().get(0).id());
    }

    @Test
    void unknownNamesGetADidYouMean() {
        ExtensionRegistry<Thing> r = registry();
        ScheduleException empty = assertThrows(ScheduleException.class, () -> r.get("x"));
        assertTrue(empty.getMessage().contains("no thing is installed"), empty.getMessage());
        r.install(r.base().plus(List.of(r.entry(new Thing("karras", List.of()), A))));
        assertTrue(assertThrows(ScheduleException.class, () -> r.get("karas")).getMessage().contains("did you mean 'karras'"));
    }

    @Test
    void aTypoOfAnAliasSuggestsTheCanonicalId() {
        ExtensionRegistry<Thing> r = registry();
        r.install(r.base().plus(List.of(r.entry(new Thing("dpmpp_2m", List.of("dpm++_2m", "dpm++2m", "k_dpmpp_2m")), A),
                r.entry(new Thing("euler", List.of("EulerDiscreteScheduler")), A))));
        // dpmpp2m is as close to the alias dpm++2m as to the id: the id is suggested, alone
        assertEquals("unknown thing 'dpmpp2m' — did you mean 'dpmpp_2m'?", assertThrows(ScheduleException.class, () -> r.get("dpmpp2m")).getMessage());
        assertEquals("unknown thing 'dpm+2m' — did you mean 'dpmpp_2m'?", assertThrows(ScheduleException.class, () -> r.get("dpm+2m")).getMessage());
        // only the alias is close: the id, with the alias that matched
        assertEquals("unknown thing 'EulerDiscreteSchedular' — did you mean 'euler' (alias 'EulerDiscreteScheduler')?",
                assertThrows(ScheduleException.class, () -> r.get("EulerDiscreteSchedular")).getMessage());
        assertEquals("unknown thing 'eulr' — did you mean 'euler'?", assertThrows(ScheduleException.class, () -> r.get("eulr")).getMessage());
    }

    @Test
    void resetGoesBackToTheClasspath() {
        ExtensionRegistry<Thing> r = registry();
        r.install(r.base().plus(List.of(r.entry(new Thing("one", List.of()), A))));
        r.reset();
        assertTrue(r.entries().isEmpty(), "no Thing on the classpath");
    }

    @Test
    void apiVersionRule() {
        assertNull(ApiVersion.check("0.1.0", "0.1.0"));
        assertNull(ApiVersion.check("0.1.0", "0.1.3"));
        assertTrue(ApiVersion.check("0.1.0", "0.2.0").contains("built against sampler4j api 0.1.0"));
        assertTrue(ApiVersion.check("0.1.2", "0.1.0").contains("or upgrade sampler4j"));
        assertNull(ApiVersion.check("1.0.0", "1.4.0"));
        assertTrue(ApiVersion.check("1.0.0", "2.0.0") != null);
        assertNull(ApiVersion.check(">=0.1.0 & <0.3.0", "0.2.0"));
        assertTrue(ApiVersion.check(">=0.2.0", "0.1.0").contains("requires sampler4j api >=0.2.0"));
        assertTrue(ApiVersion.check(null, "0.1.0").contains("Plugin-Requires: 0.1.0"));
        assertTrue(ApiVersion.check("*", "0.1.0").contains("does not declare"));
        assertTrue(ApiVersion.check("banana", "0.1.0").contains("not a version"));
        assertEquals("0.1.0", ApiVersion.current());
    }
}
