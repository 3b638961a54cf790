package org.sampler4j.host.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.host.model.ModelException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sampler4j} command line. Exit codes: 0 ok, 1 a check failed or an internal error, 2 a user error
 * (message on stderr, no stack trace).
 */
@Command(name = "sampler4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Diffusion-model sampling toolkit: image generation with TorchScript models, noise schedules, samplers, plugins, conformance against reference implementations.",
        subcommands = {RunCommand.class, ValidateCommand.class, ScheduleCommand.class, SamplersCommand.class, PresetsCommand.class, PluginsCommand.class, SampleCommand.class,
            ConformanceCommand.class, EvalCommand.class, OptimizeCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failed check or internal error, 2 user error.",
                "Run 'sampler4j help COMMAND' or 'sampler4j COMMAND --help' for a command's options."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Exit code of a user error. */
    public static final int USER_ERROR = 2;

    @CommandLine.Option(names = "--plugins", paramLabel = "DIR", description = {"Plugins folder (jar or zip plugins). Default: $"
            + org.sampler4j.host.plugin.PluginsFolder.ENV + ", else the distribution's plugins/ folder."})
    String plugins;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with sampler4j's error handling. */
    public static CommandLine commandLine() {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setExecutionStrategy(parseResult -> PluginSetup.run(main.plugins, parseResult, cl));
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof org.sampler4j.host.recipe.RecipeException re) {
                for (org.sampler4j.host.recipe.Problem pr : re.problems()) err.println(pr);
                err.println("sampler4j: error: " + re.problems().size() + " problem(s) in the recipe; 'sampler4j validate RECIPE' lists them without running");
                return USER_ERROR;
            }
            if (ex instanceof ScheduleException || ex instanceof UserException || ex instanceof ModelException) {
                err.println("sampler4j: error: " + ex.getMessage());
                return USER_ERROR;
            }
            err.println("sampler4j: internal error: " + ex);
            ex.printStackTrace(err);
            return 1;
        });
        return cl;
    }

    /** Runs the CLI. */
    public static void main(String[] args) {
        CommandLine cl = commandLine();
        int code = cl.execute(args);
        // commands may end with print() rather than println(): flush before exiting so no output is lost
        cl.getOut().flush();
        cl.getErr().flush();
        System.exit(code);
    }

    /** A mistake in the user's input (bad file, bad option value). */
    static final class UserException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UserException(String message) {
            super(message);
        }
    }

    /** Reads the version from the api's {@code version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = ScheduleException.class.getResourceAsStream("/org/sampler4j/api/version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"sampler4j " + p.getProperty("api.version", "unknown") + " (api " + p.getProperty("api.version", "?") + ", Java "
                    + System.getProperty("java.version") + ")"};
        }
    }
}
