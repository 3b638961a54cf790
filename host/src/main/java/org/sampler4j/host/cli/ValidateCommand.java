package org.sampler4j.host.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.sampler4j.host.recipe.LoadedRecipe;
import org.sampler4j.host.recipe.Problem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code sampler4j validate}: checks recipes without running them and lists every problem of every file. */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Check recipe files (or PNGs written by sampler4j) without running them.",
                "Checks YAML syntax, keys, types, ranges, sampler and preset ids, sampler options, schedule text, the model (read without "
                + "loading its network), conditioning and output names. Every problem of every file is listed, one line each: "
                + "FILE:LINE:COLUMN: KEY.PATH: message."},
        footer = {"", "Exit codes: 0 all recipes are valid, 2 some are not."})
final class ValidateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RECIPE", arity = "1..*", description = "Recipe files (YAML) or PNGs written by sampler4j.")
    List<Path> recipes = new ArrayList<>();

    @ParentCommand
    Main main;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        PrintWriter out = cmd.commandLine().getOut();
        PrintWriter err = cmd.commandLine().getErr();
        int problems = 0;
        int bad = 0;
        for (Path file : recipes) {
            LoadedRecipe lr = RunCommand.checked(file, main == null ? null : main.plugins, err);
            List<Problem> ps = lr.sortedProblems();
            for (Problem p : ps) err.println(p);
            if (ps.isEmpty()) out.println(file + ": ok");
            else bad++;
            problems += ps.size();
        }
        if (problems == 1) return Main.USER_ERROR;   // the problem's line says it all
        if (problems > 0) {
            err.println("sampler4j: error: " + problems + " problem(s) in " + bad + " of " + recipes.size() + " recipe(s)");
            return Main.USER_ERROR;
        }
        return 0;
    }
}
