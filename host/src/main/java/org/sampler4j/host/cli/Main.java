package org.sampler4j.host.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.host.UserInputException;
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

    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On an internal error, print the full stack trace (otherwise it goes to a log file named in the message).")
    boolean debug;

    /** Builds the command line with sampler4j's error handling. */
    public static CommandLine commandLine() {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setExecutionStrategy(parseResult -> PluginSetup.run(main.plugins, parseResult, cl));
        cl.setParameterExceptionHandler(Main::badArguments);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> failed(ex, cmd.getErr(), debug(parseResult)));
        return cl;
    }

    /** A mistake on the command line itself (unknown option, missing or malformed value): one line and the command's help. */
    private static int badArguments(CommandLine.ParameterException ex, String[] args) {
        CommandLine c = ex.getCommandLine();
        String name = c.getCommandSpec().qualifiedName();
        String msg = ex.getMessage().replaceAll("\\s+", " ").trim();
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            msg += "; did you mean " + String.join(" or ", u.getSuggestions().stream().limit(3).map(x -> "'" + x + "'").toList()) + "?";
        }
        c.getErr().println(name + ": error: " + msg + "; see '" + name + " --help'");
        return USER_ERROR;
    }

    /**
     * The one error path of every command: user mistakes are one line and exit 2; anything else is a bug, reported in
     * one line with the file holding the stack trace (printed in full with {@code --debug}), exit 1.
     */
    static int failed(Exception ex, PrintWriter err, boolean debug) {
        if (Interruption.interrupted()) return 130; // Ctrl-C: the interruption's line says it all
        if (ex instanceof org.sampler4j.host.recipe.RecipeException re) {
            List<org.sampler4j.host.recipe.Problem> problems = re.problems();
            for (org.sampler4j.host.recipe.Problem pr : problems) err.println(pr);
            if (problems.size() > 1) {
                err.println("sampler4j: error: " + problems.size() + " problems in the recipe; 'sampler4j validate RECIPE' lists them without running");
            }
            return USER_ERROR;
        }
        String user = userMessage(ex);
        if (user != null) {
            err.println("sampler4j: error: " + oneLine(user));
            return USER_ERROR;
        }
        String what = ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage().lines().findFirst().orElse(""));
        if (debug) {
            err.println("sampler4j: internal error (a bug; please report it with this trace): " + what);
            ex.printStackTrace(err);
            return 1;
        }
        String where;
        try {
            Path log = Files.createTempFile("sampler4j-error-", ".log");
            StringWriter trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            Files.writeString(log, trace.toString());
            where = "the full trace is in " + log;
        } catch (IOException | RuntimeException e) {
            where = "rerun with --debug for the full trace";
        }
        err.println("sampler4j: internal error (a bug; please report it): " + what + "; " + where);
        return 1;
    }

    /** The one-line message of an exception that is the user's to fix, or null for a bug. */
    static String userMessage(Throwable ex) {
        if (ex instanceof ScheduleException || ex instanceof UserInputException || ex instanceof ModelException) return ex.getMessage();
        if (ex instanceof UncheckedIOException u) ex = u.getCause();
        if (ex instanceof FileSystemException f) {
            String reason = f.getReason() != null ? f.getReason()
                    : f instanceof AccessDeniedException ? "permission denied"
                    : f instanceof NoSuchFileException ? "no such file or folder"
                    : f instanceof FileAlreadyExistsException ? "a file is in the way" : "file system error";
            return "cannot use " + f.getFile() + (f.getOtherFile() != null ? " (" + f.getOtherFile() + ")" : "") + ": " + reason
                    + "; check the path and its permissions, or choose another one";
        }
        return null;
    }

    /**
     * A message as one line: the schedule parser's three-line form (message, text, caret under the column) becomes
     * {@code at column 20 of 'trailing(5).karras(': expected a value}; other line breaks become spaces.
     */
    static String oneLine(String message) {
        List<String> lines = message.lines().toList();
        if (lines.size() == 3 && lines.get(2).strip().equals("^") && lines.get(0).matches("at column \\d+: .*")) {
            int colon = lines.get(0).indexOf(": ");
            return lines.get(0).substring(0, colon) + " of '" + lines.get(1).strip() + "'" + lines.get(0).substring(colon);
        }
        return String.join(" ", lines.stream().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }

    private static boolean debug(CommandLine.ParseResult pr) {
        for (CommandLine.ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) return true;
        }
        return false;
    }

    /** Runs the CLI. */
    public static void main(String[] args) {
        CommandLine cl = commandLine();
        Interruption.install(cl.getErr());
        int code = cl.execute(args);
        Interruption.finished();
        // commands may end with print() rather than println(): flush before exiting so no output is lost
        cl.getOut().flush();
        cl.getErr().flush();
        System.exit(code);
    }

    /** A mistake in the user's input (bad file, bad option value). */
    static final class UserException extends UserInputException {
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
