package org.sampler4j.host.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.sampler4j.host.model.ModelException;

/**
 * Text-embedding files: a {@code .json} array of numbers (flat or nested {@code [tokens][dim]}), or raw little-endian
 * float32 ({@code numpy.ndarray.astype('<f4').tofile(path)}, any other extension).
 */
public final class Embeddings {
    private Embeddings() {}

    /** Reads an embedding of exactly {@code tokens * dim} values. */
    public static float[] read(Path file, int tokens, int dim) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException("cannot read the embedding file " + file + ": " + e.getMessage(), e);
        }
        float[] v;
        if (file.getFileName().toString().endsWith(".json")) {
            List<Float> out = new ArrayList<>();
            try {
                flatten(new ObjectMapper().readTree(bytes), out, file);
            } catch (IOException e) {
                throw new ModelException("embedding file " + file + " is not valid JSON: " + e.getMessage(), e);
            }
            v = new float[out.size()];
            for (int i = 0; i < v.length; i++) v[i] = out.get(i);
        } else {
            if (bytes.length % 4 != 0) throw new ModelException("embedding file " + file + " has " + bytes.length + " bytes, not a whole number of float32 values");
            v = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        }
        if (v.length != tokens * dim) {
            throw new ModelException("embedding file " + file + " has " + v.length + " values, the model needs tokens x dim = " + tokens + " x " + dim + " = " + tokens * dim);
        }
        for (float f : v) if (!Float.isFinite(f)) throw new ModelException("embedding file " + file + " contains NaN or Inf");
        return v;
    }

    private static void flatten(JsonNode n, List<Float> out, Path file) {
        if (n.isArray()) {
            for (JsonNode c : n) flatten(c, out, file);
        } else if (n.isNumber()) {
            out.add(n.floatValue());
        } else {
            throw new ModelException("embedding file " + file + ": expected numbers, found " + n.getNodeType());
        }
    }

    /** The file's SHA-256, hex. */
    public static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
