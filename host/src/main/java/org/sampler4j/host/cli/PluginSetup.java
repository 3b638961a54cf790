package org.sampler4j.host.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.sampler4j.host.plugin.PluginHost;
import org.sampler4j.host.plugin.PluginsFolder;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Loads the plugins before a command runs (not for help or version): resolves the plugins folder
 * ({@link PluginsFolder}: a user's folder adds to the distribution's), loads it with the classpath's extensions and
 * installs them. Every command, {@code conformance} included, sees the same samplers and presets as {@code run}. A plugin that fails is a
 * warning on stderr; the command goes on with the rest.
 */
final class PluginSetup {
    private static PluginHost current;

    private PluginSetup() {}

    /** The host of the running command, or {@code null} before any command loaded one. */
    static synchronized PluginHost current() {
        return current;
    }

    /** Closes the current host, returning the registries to the classpath (tests call this between runs). */
    static synchronized void reset() {
        if (current != null) current.close();
        current = null;
    }

    /**
     * Loads the plugins a recipe names (its {@code plugins} key, relative to {@code recipeDir}) unless {@code --plugins}
     * was given; a no-op when the resolved folder is the one already loaded.
     *
     * @return a problem with the folder, or null
     */
    static synchronized String useRecipeFolder(String option, String recipeValue, Path recipeDir, PrintWriter err) {
        PluginsFolder folder = PluginsFolder.resolve(option, recipeValue, recipeDir);
        if (folder.source() != PluginsFolder.Source.RECIPE) return null;
        String problem = folder.problem();
        if (problem != null) return problem;
        if (current != null && folder.equals(current.folder())) return null;
        reset();
        current = PluginHost.load(folder).install();
        for (PluginHost.PluginStatus s : current.failures()) {
            err.println("sampler4j: warning: plugin '" + s.id() + "' (" + s.file() + ") was not loaded: " + s.reason());
        }
        return null;
    }

    static int run(String option, ParseResult pr, CommandLine root) {
        if (needsPlugins(pr)) {
            PluginsFolder folder = PluginsFolder.resolve(option, null, null);
            String problem = folder.problem();
            PrintWriter err = root.getErr();
            if (problem != null) {
                err.println("sampler4j: error: " + problem);
                return Main.USER_ERROR;
            }
            PluginHost host;
            synchronized (PluginSetup.class) {
                reset();                                    // before installing: closing a host resets the registries
                host = PluginHost.load(folder).install();
                current = host;
            }
            if (!leaf(pr).commandSpec().name().equals("plugins") && !leafParent(pr).equals("plugins")) {
                for (PluginHost.PluginStatus s : host.failures()) {
                    err.println("sampler4j: warning: plugin '" + s.id() + "' (" + s.file() + ") was not loaded: " + s.reason());
                }
            }
        }
        return new CommandLine.RunLast().execute(pr);
    }

    private static boolean needsPlugins(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) return false;
        }
        String name = leaf(pr).commandSpec().name();
        return pr.hasSubcommand() && !name.equals("help");
    }

    private static ParseResult leaf(ParseResult pr) {
        ParseResult p = pr;
        while (p.hasSubcommand()) p = p.subcommand();
        return p;
    }

    private static String leafParent(ParseResult pr) {
        ParseResult parent = pr;
        ParseResult p = pr;
        while (p.hasSubcommand()) {
            parent = p;
            p = p.subcommand();
        }
        return parent.commandSpec().name();
    }
}
