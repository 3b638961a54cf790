package org.sampler4j.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C for real: a child JVM runs a two-row comparison, gets SIGINT while sampling the second row, and must end the
 * progress line, say in one line what was interrupted and that no partial file was written, exit with 130 and leave
 * only the finished first image.
 */
class InterruptTest {
    @Test
    void sigintDuringARunEndsTheProgressLineSaysWhatWasInterruptedAndExits130(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cmp.png");
        List<String> cmd = new ArrayList<>();
        // a shell that ignored SIGINT would pass that on to the JVM, which then keeps no handler: perl restores the default
        if (Files.isExecutable(Path.of("/usr/bin/perl"))) cmd.addAll(List.of("/usr/bin/perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die"));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true", "-Dsampler4j.progress=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "--model", "gmm:3x32x32", "--batch", "4", "--schedule", "linspace(3)", "--schedule", "linspace(20000)", "-o", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        StringBuilder err = new StringBuilder();
        Thread drain = new Thread(() -> {
            try {
                err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the test fails on the output below
            }
        });
        drain.start();
        try (BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = stdout.readLine()) != null && !line.startsWith("  ")) {
                // wait for the first row: its four images and its timing line
            }
            Thread.sleep(700);
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
            boolean ended = p.waitFor(60, TimeUnit.SECONDS);
            if (!ended) p.destroyForcibly();
            assertTrue(ended, "the child did not stop on SIGINT");
        }
        drain.join(10_000);
        String text = err.toString();
        assertEquals(130, p.exitValue(), text);
        List<String> lines = text.lines().filter(l -> !l.isBlank() && !l.contains("NNPACK")).toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("sampler4j: interrupted while sampling") && last.contains("linspace(20000)") && last.contains("no partial file was written"), text);
        assertTrue(lines.get(lines.size() - 2).contains("steps/s"), "the progress line is ended, not erased: " + text);
        assertFalse(text.contains("Exception"), text);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("cmp-0-0.png", "cmp-0-1.png", "cmp-0-2.png", "cmp-0-3.png"), files.map(f -> f.getFileName().toString()).sorted().toList(),
                    "the first row's images, nothing else");
        }
    }
}
