package org.sampler4j.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.sampler4j.host.cli.Main;
import picocli.CommandLine;

/**
 * Keeps README.md honest: every {@code console} block's {@code $ bin/sampler4j ...} commands are run in-process and
 * their output compared line by line; every {@code java} block is executed with JShell and must neither fail to
 * compile nor throw. In {@code examples/**}{@code /README.md}, every fenced block made only of {@code bin/sampler4j}
 * command lines is run as written (from the repository root, outputs redirected to a scratch folder) and must exit
 * with 0; blocks that need other commands first (building a plugin) are checked by the test they name.
 */
class ReadmeTest {
    static final Path README = Path.of("..", "README.md");

    record Block(String lang, int line, List<String> lines) {}

    static List<Block> blocks() throws IOException {
        return blocks(README, false);
    }

    /** The {@code console} and {@code java} blocks of a file, and with {@code plain} its other fenced blocks too. */
    static List<Block> blocks(Path file, boolean plain) throws IOException {
        List<String> all = Files.readAllLines(file);
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            String l = all.get(i);
            if (l.startsWith("```console") || l.startsWith("```java") || plain && l.startsWith("```")) {
                String lang = l.substring(3).trim();
                int start = i + 1;
                List<String> body = new ArrayList<>();
                for (i = start; i < all.size() && !all.get(i).startsWith("```"); i++) body.add(all.get(i));
                out.add(new Block(lang, start, body));
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> readmeBlocks() throws IOException {
        List<Block> blocks = blocks();
        assertFalse(blocks.isEmpty(), "README has no checked blocks");
        return blocks.stream().map(b -> DynamicTest.dynamicTest("README.md line " + b.line() + " (" + b.lang() + ")",
                () -> { if (b.lang().equals("console")) runConsole(b); else runJava(b); }));
    }

    static final Path ROOT = Path.of("..");

    @TestFactory
    Stream<DynamicTest> exampleReadmeCommands() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> readmes;
        try (Stream<Path> s = Files.walk(ROOT.resolve("examples"))) {
            readmes = s.filter(p -> p.getFileName().toString().equals("README.md") && !p.toString().contains("target")).sorted().toList();
        }
        assertFalse(readmes.isEmpty());
        for (Path readme : readmes) {
            for (Block b : blocks(readme, true)) {
                List<String> lines = b.lines().stream().filter(l -> !l.isBlank()).toList();
                if (b.lang().equals("java") || lines.isEmpty() || !lines.stream().allMatch(l -> l.startsWith("bin/sampler4j "))) continue;
                tests.add(DynamicTest.dynamicTest(ROOT.relativize(readme) + " line " + b.line(), () -> runCommands(lines)));
            }
        }
        assertFalse(tests.isEmpty(), "no command blocks in examples/**/README.md");
        return tests.stream();
    }

    /**
     * Runs README command lines in-process as if from the repository root: paths that exist there are resolved
     * against it, globs are expanded, and outputs ({@code out/...}, {@code --out-dir}) go to a scratch folder.
     */
    static void runCommands(List<String> lines) throws IOException {
        Path scratch = Files.createTempDirectory("sampler4j-readme");
        try {
            runCommands(lines, scratch);
        } finally {
            try (Stream<Path> s = Files.walk(scratch)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static void runCommands(List<String> lines, Path scratch) throws IOException {
        for (String line : lines) {
            String cmd = line.replaceAll("\\s+#.*$", "");
            List<String> args = new ArrayList<>();
            String[] words = split(cmd.substring("bin/sampler4j".length()));
            boolean recipes = false;
            boolean outDir = false;
            for (int i = 0; i < words.length; i++) {
                String w = words[i];
                if (w.equals("--out-dir")) {
                    args.add(w);
                    args.add(scratch.toString());
                    i++;
                    outDir = true;
                } else if (w.startsWith("out/")) {
                    args.add(scratch.resolve(w.substring(4)).toString());
                    recipes |= w.endsWith(".png") && !words[i - 1].startsWith("-");
                } else if (w.contains("*")) {
                    int slash = w.lastIndexOf('/');
                    java.nio.file.PathMatcher m = ROOT.getFileSystem().getPathMatcher("glob:" + w.substring(slash + 1));
                    try (Stream<Path> s = Files.list(ROOT.resolve(w.substring(0, slash)))) {
                        s.filter(p -> m.matches(p.getFileName())).sorted().forEach(p -> args.add(p.toString()));
                    }
                    recipes |= w.endsWith(".yaml");
                } else {
                    args.add(Files.exists(ROOT.resolve(w)) && !w.startsWith("-") ? ROOT.resolve(w).toString() : w);
                    recipes |= w.endsWith(".yaml");
                }
            }
            if (args.get(0).equals("run") && recipes && !outDir) {
                args.add("--out-dir");
                args.add(scratch.toString());
            }
            StringWriter sw = new StringWriter();
            PrintWriter pw = new PrintWriter(sw);
            CommandLine cl = Main.commandLine();
            cl.setOut(pw);
            cl.setErr(pw);
            int code = cl.execute(args.toArray(new String[0]));
            pw.flush();
            assertEquals(0, code, "'" + line + "' (as " + args + "): " + sw);
        }
    }

    static void runConsole(Block b) {
        List<String> lines = b.lines();
        for (int i = 0; i < lines.size(); i++) {
            String cmd = lines.get(i);
            if (!cmd.startsWith("$ bin/sampler4j")) throw new AssertionError("README line " + (b.line() + i) + ": console blocks start with '$ bin/sampler4j'");
            List<String> expected = new ArrayList<>();
            while (i + 1 < lines.size() && !lines.get(i + 1).startsWith("$ ")) expected.add(lines.get(++i));
            String[] args = split(cmd.substring("$ bin/sampler4j".length()));
            StringWriter sw = new StringWriter();
            PrintWriter pw = new PrintWriter(sw);
            CommandLine cl = Main.commandLine();
            cl.setOut(pw);
            cl.setErr(pw);
            cl.execute(args);
            pw.flush();
            List<String> actual = sw.toString().lines().map(ReadmeTest::rtrim).toList();
            List<String> exp = expected.stream().map(ReadmeTest::rtrim).toList();
            while (!actual.isEmpty() && actual.get(actual.size() - 1).isEmpty()) actual = actual.subList(0, actual.size() - 1);
            assertEquals(String.join("\n", exp), String.join("\n", actual), "output of '" + cmd + "' (README line " + b.line() + ")");
        }
    }

    static void runJava(Block b) {
        try (JShell js = JShell.builder().executionEngine("local").build()) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) js.addToClasspath(entry);
            String remaining = String.join("\n", b.lines());
            SourceCodeAnalysis sca = js.sourceCodeAnalysis();
            while (!remaining.isBlank()) {
                SourceCodeAnalysis.CompletionInfo ci = sca.analyzeCompletion(remaining);
                for (SnippetEvent e : js.eval(ci.source())) {
                    if (e.status() == Snippet.Status.REJECTED) {
                        StringBuilder why = new StringBuilder();
                        js.diagnostics(e.snippet()).forEach(d -> why.append(d.getMessage(null)).append("; "));
                        throw new AssertionError("README java block at line " + b.line() + " does not compile: " + e.snippet().source() + " -> " + why);
                    }
                    if (e.exception() != null) {
                        throw new AssertionError("README java block at line " + b.line() + " threw at: " + e.snippet().source(), e.exception());
                    }
                }
                remaining = ci.remaining();
            }
        }
    }

    /** Splits a command line on spaces, keeping single-quoted parts together. */
    static String[] split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : s.toCharArray()) {
            if (c == '\'') { quoted = !quoted; any = true; }
            else if (c == ' ' && !quoted) { if (any) out.add(cur.toString()); cur.setLength(0); any = false; }
            else { cur.append(c); any = true; }
        }
        if (any) out.add(cur.toString());
        return out.toArray(new String[0]);
    }

    private static String rtrim(String s) {
        return s.replaceAll("\\s+$", "");
    }
}
