package org.sampler4j.host.sd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.api.sampler.ArrayLatent;
import org.sampler4j.api.sampler.StepListener;
import org.sampler4j.host.model.ModelException;

/** The pipeline's semantics on tiny-sd: prompts encoded once, prompt lists and images per prompt, noise orders, errors. */
class SdModelTest {
    @TempDir
    static Path dir;
    static SdModel model;

    @BeforeAll
    static void open() {
        model = SdModel.open(SdFixtures.folder("tiny-sd", dir));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static SdRequest request(List<String> prompts, int n, SdRequest.Noise noise, long seed) {
        return request(prompts, n, noise, seed, "euler_ancestral");
    }

    static SdRequest request(List<String> prompts, int n, SdRequest.Noise noise, long seed, String sampler) {
        return new SdRequest(prompts, null, null, null, n, null, null, 4.0, 0.0, 0, null, 1.0, seed, noise, "torch-cpu",
                new SdRequest.Dsl(sampler, Map.of(), "trailing(3)"), null);
    }

    static float[] item(SdPipeline.Result r, int i) {
        float[] all = ArrayLatent.of(r.latents()).toFloatArray();
        int per = all.length / r.latents().shape()[0];
        return java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per);
    }

    @Test
    void eachDistinctPromptIsEncodedOnceAndItemsFollowDiffusersOrder() {
        int before = model.encodedPrompts();
        SdPipeline.Result r = SdPipeline.run(model, request(List.of("okapi", "lemur", "okapi"), 2, SdRequest.Noise.PER_ITEM, 7), StepListener.NONE);
        assertEquals(before + 2, model.encodedPrompts(), "okapi and lemur once each (the empty negative prompt was encoded when the model opened)");
        assertEquals(6, r.latents().shape()[0]);
        assertEquals(3, r.evaluations(), "one batched forward per step");
        assertTrue(r.unconditionalPass());
        // item 4 is prompt 2 ("okapi"), image 0, seed 7 + 4: the same as a run of that prompt alone with that seed
        SdPipeline.Result alone = SdPipeline.run(model, request(List.of("okapi"), 1, SdRequest.Noise.PER_ITEM, 11), StepListener.NONE);
        assertArrayEquals(item(alone, 0), item(r, 4), 1e-4f); // batch 1 vs 12 kernels differ by ~1e-5
        SdPipeline.Result again = SdPipeline.run(model, request(List.of("okapi", "lemur", "okapi"), 2, SdRequest.Noise.PER_ITEM, 7), StepListener.NONE);
        assertEquals(before + 2, model.encodedPrompts(), "a second run reuses the encodings");
        assertArrayEquals(ArrayLatent.of(r.latents()).toFloatArray(), ArrayLatent.of(again.latents()).toFloatArray());
    }

    @Test
    void theDiffusersNoiseOrderDrawsTheWholeBatchFromOneGenerator() {
        SdPipeline.Result two = SdPipeline.run(model, request(List.of("zebra"), 2, SdRequest.Noise.DIFFUSERS, 3), StepListener.NONE);
        SdPipeline.Result one = SdPipeline.run(model, request(List.of("zebra"), 1, SdRequest.Noise.DIFFUSERS, 3), StepListener.NONE);
        assertFalse(java.util.Arrays.equals(item(two, 0), item(two, 1)));
        assertFalse(java.util.Arrays.equals(item(one, 0), item(two, 1)), "item 1 is not a run of seed 4: the stream is shared");
        SdPipeline.Result perItem = SdPipeline.run(model, request(List.of("zebra"), 1, SdRequest.Noise.PER_ITEM, 3, "euler"), StepListener.NONE);
        SdPipeline.Result oneEuler = SdPipeline.run(model, request(List.of("zebra"), 1, SdRequest.Noise.DIFFUSERS, 3, "euler"), StepListener.NONE);
        assertArrayEquals(item(perItem, 0), item(oneEuler, 0), "a deterministic batch of one starts from the same noise in both orders");
    }

    @Test
    void requestErrorsNameTheFix() {
        SdRequest bad = new SdRequest(List.of("a", "b"), List.of("x", "y", "z"), null, null, 1, null, null, 4.0, 0.0, 0, null, 1.0, 0,
                SdRequest.Noise.PER_ITEM, "torch-cpu", new SdRequest.Dsl("euler", Map.of(), "trailing(2)"), null);
        assertTrue(assertThrows(ModelException.class, () -> SdPipeline.run(model, bad, StepListener.NONE)).getMessage().contains("3 for 2 prompts"));
        SdRequest img = new SdRequest(List.of("a"), null, null, null, 1, null, null, 4.0, 0.0, 0, new SdRequest.InitImage(new float[3 * 16 * 16], 16, 16),
                0.5, 0, SdRequest.Noise.PER_ITEM, "torch-cpu", new SdRequest.Dsl("euler", Map.of(), "trailing(2)"), null);
        SdPipeline.run(model, img, StepListener.NONE); // a 16x16 image makes 16x16 images
    }

    @Test
    void descriptorErrorsNameTheFieldAndTheFix() throws Exception {
        String ok = SdFixtures.descriptor("tiny-sd");
        String[][] cases = {
            {ok.replace("kind: sd", "kind: sd3"), "unknown model kind 'sd3'"},
            {ok.replace("unet: unet.pt\n", ""), "missing field 'unet'"},
            {ok + "unets: x\n", "unknown field 'unets'"},
            {ok.replace("pad: eos", "pad: left"), "unknown padding 'left'"},
            {ok.replace("kind: sd", "kind: sdxl"), "sdxl needs 2 text_encoders"},
            {ok.replace("scaling_factor: 0.18215", "scaling_factor: 0"), "scaling_factor must be > 0"},
            {ok + "hidden_state: first\n", "unknown hidden state 'first'"},
        };
        for (String[] c : cases) {
            ModelException e = assertThrows(ModelException.class, () -> SdDescriptor.parse(c[0], "model.yaml"));
            assertTrue(e.getMessage().contains(c[1]), c[1] + " in: " + e.getMessage());
        }
        Path broken = SdFixtures.folder("tiny-sd", dir.resolve("broken"));
        Files.delete(broken.resolve("vae_decoder.pt"));
        assertTrue(assertThrows(ModelException.class, () -> SdModel.open(broken)).getMessage().contains("vae decoder file not found"));
        assertTrue(SdDescriptor.declares(broken));
    }
}
