package org.sampler4j.host.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Inspects a TorchScript archive before DJL touches it. A TorchScript file is a zip whose {@code data.pkl} (parameters
 * and buffers) and {@code constants.pkl} name each tensor's storage class ({@code torch.FloatStorage},
 * {@code torch.BFloat16Storage}, ...). A bfloat16 tensor aborts the JVM inside DJL's PyTorch engine (an uncatchable
 * native abort), so such files are refused here, from the pickle text alone, with the fix.
 */
final class DtypeCheck {
    private DtypeCheck() {}

    /** The fix for a dtype the CPU runtime does not run. */
    static String advice(String dtype) {
        return switch (dtype) {
            case "bfloat16" -> "bfloat16 aborts the JVM in DJL's PyTorch engine; convert the network with model.float() before torch.jit.trace/script and save it again";
            case "float16" -> "float16 runs about 100x slower than float32 on the CPU; convert the network with model.float() before torch.jit.trace/script and save it again";
            case "float64" -> "the runtime feeds float32 inputs; convert the network with model.float() before tracing and save it again";
            default -> "only float32 networks are supported; convert with model.float() before tracing";
        };
    }

    /**
     * Checks that {@code file} exists, is a TorchScript archive, and stores no bfloat16/float16 tensors (nor float64
     * parameters).
     *
     * @param what how messages name the file (e.g. "network unet.pt")
     */
    static void check(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new ModelException(what + " not found: " + file + (Files.exists(file) ? " is not a file" : "") + " (check the file name in model.yaml)");
        }
        boolean sawCode = false;
        boolean sawData = false;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements();) {
                ZipEntry e = en.nextElement();
                String name = e.getName();
                if (name.contains("/code/")) sawCode = true;
                boolean data = name.endsWith("/data.pkl") || name.equals("data.pkl");
                boolean constants = name.endsWith("/constants.pkl") || name.equals("constants.pkl");
                if (!data && !constants) continue;
                sawData |= data;
                String pickle;
                try (InputStream in = zip.getInputStream(e)) {
                    pickle = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
                String bad = pickle.contains("BFloat16Storage") ? "bfloat16"
                        : pickle.contains("HalfStorage") ? "float16"
                        : data && pickle.contains("DoubleStorage") ? "float64" : null;
                if (bad != null) {
                    throw new ModelException(what + " (" + file + ") stores " + bad + " tensors, which sampler4j refuses before loading: " + advice(bad));
                }
            }
        } catch (ZipException e) {
            throw notTorchScript(file, what, startsLikeZip(file)
                    ? "a zip archive cut short or damaged: most likely a partial download or copy, so download or copy it again; if it is whole"
                    : "not a zip archive");
        } catch (NoSuchFileException e) {
            throw new ModelException(what + " not found: " + file);
        } catch (IOException e) {
            throw new ModelException("cannot read " + what + " (" + file + "): " + e.getMessage(), e);
        }
        if (!sawCode || !sawData) throw notTorchScript(file, what, "no code/ and data.pkl entries");
    }

    /** Whether the file begins with a zip local file header ({@code PK\3\4}): an archive whose end is missing was cut short. */
    private static boolean startsLikeZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        } catch (IOException e) {
            return false;
        }
    }

    private static ModelException notTorchScript(Path file, String what, String why) {
        return new ModelException(what + " (" + file + ") is not a TorchScript archive (" + why + "): export the network with "
                + "torch.jit.trace or torch.jit.script and save it with .save(path); a state_dict from torch.save() or an ONNX file cannot be loaded");
    }
}
