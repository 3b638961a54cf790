package org.sampler4j.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("schedule") && r.out().contains("conformance") && r.out().contains("Exit codes"));
        assertEquals(0, run("schedule", "--help").code());
        assertEquals(0, run("conformance", "--help").code());
        assertTrue(run("--version").out().startsWith("sampler4j "));
    }

    @Test
    void userErrorsExitWith2AndNoStackTrace() {
        Run r = run("schedule", "trailing(0)");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("steps must be >= 1, got 0"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace for user errors");
        assertEquals(2, run("schedule", "--model", "sd1.5", "trailing(5)").code());
        assertEquals(2, run("schedule").code());
        assertEquals(2, run("schedule", "--no-such-option").code());
        assertEquals(2, run("conformance", "/no/such/file.json").code());
    }

    @Test
    void samplersListAndDetail() {
        Run list = run("samplers");
        assertEquals(0, list.code());
        assertTrue(list.out().contains("dpmpp_2m ") && list.out().contains("EulerDiscreteScheduler"), list.out());
        Run one = run("samplers", "euler_a");
        assertEquals(0, one.code());
        assertTrue(one.out().startsWith("euler_ancestral") && one.out().contains("provenance:") && one.out().contains("eta"), one.out());
        Run bad = run("samplers", "dpmpp2m");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("did you mean"), bad.err());
    }

    @Test
    void jsonOutput() {
        Run r = run("schedule", "--json", "trailing(2)");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("\"timesteps\" : [ 999.0, 499.0 ]"), r.out());
    }

    @Test
    void importsADiffusersSchedulerConfig(@TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("scheduler_config.json");
        Files.writeString(cfg, "{\"_class_name\": \"EulerDiscreteScheduler\", \"_diffusers_version\": \"0.30.0\", \"beta_schedule\": \"scaled_linear\","
                + " \"beta_start\": 0.00085, \"beta_end\": 0.012, \"timestep_spacing\": \"trailing\", \"use_karras_sigmas\": true}");
        Run r = run("schedule", "--scheduler-config", cfg.toString(), "--steps", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("trailing(5).karras().convention("), r.out());
        assertTrue(r.out().contains("14.6146"), r.out());
    }

    @Test
    void conformanceReportsFailuresAndExitCode(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.json");
        Files.writeString(good, "[{\"id\": \"t/1\", \"kind\": \"schedule\", \"scheduler\": \"EulerDiscreteScheduler\", \"config\": {\"timestep_spacing\": \"trailing\"},"
                + " \"set_timesteps\": {\"num_inference_steps\": 2}, \"expect\": {\"timesteps\": [999.0, 499.0], \"timesteps_dtype\": \"float32\"}}]");
        Run ok = run("conformance", good.toString());
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains("good.json: 1 passed, 0 failed, 0 skipped"), ok.out());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(good).replace("499.0", "500.0"));
        Run fail = run("conformance", bad.toString());
        assertEquals(1, fail.code());
        assertTrue(fail.out().contains("bad.json: 0 passed, 1 failed, 0 skipped"), fail.out());
        assertTrue(fail.out().contains("FAILED t/1: timesteps[1]: expected 500.0, got 499.0"), fail.out());
        Path unknown = dir.resolve("other.json");
        Files.writeString(unknown, "{\"hello\": 1}");
        Run u = run("conformance", unknown.toString());
        assertEquals(2, u.code());
        assertTrue(u.err().contains("not a golden file of a known format"), u.err());
    }
}
