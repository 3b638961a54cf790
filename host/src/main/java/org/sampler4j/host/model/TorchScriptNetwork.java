package org.sampler4j.host.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One TorchScript module loaded into DJL's PyTorch engine, called with plain Java arrays: inputs are created in a
 * sub-manager of the model's manager that is closed when the call returns, so every intermediate and output tensor is
 * freed per call and native memory stays flat however many steps run. The output is checked for dtype and shape
 * before it is copied out.
 */
public final class TorchScriptNetwork implements AutoCloseable {
    /**
     * One input tensor.
     *
     * @param role its role name (for messages)
     * @param floats float32 data, or null
     * @param longs int64 data, or null
     * @param shape its shape
     */
    public record Input(String role, float[] floats, long[] longs, long[] shape) {
        /** A float32 input. */
        public static Input floats(String role, float[] data, long... shape) {
            return new Input(role, data, null, shape);
        }

        /** An int64 input. */
        public static Input longs(String role, long[] data, long... shape) {
            return new Input(role, null, data, shape);
        }

        @Override
        public String toString() {
            return role + " " + Arrays.toString(shape) + " " + (floats != null ? "float32" : "int64");
        }
    }

    private final Model model;
    private final Block block;
    private final String label;

    private TorchScriptNetwork(Model model, String label) {
        this.model = model;
        this.block = model.getBlock();
        this.label = label;
    }

    /**
     * Loads a TorchScript file after checking it is one and holds no bfloat16/float16 tensors.
     *
     * @param file the {@code .pt} file
     * @param what how messages name it ("network unet.pt", "decoder vae.pt")
     */
    public static TorchScriptNetwork load(Path file, String what) {
        DtypeCheck.check(file, what);
        DjlRuntime.engine();
        Model m = Model.newInstance(what, Device.cpu(), "PyTorch");
        try {
            m.load(file.toAbsolutePath());
        } catch (Exception | UnsatisfiedLinkError e) {
            m.close();
            throw new ModelException("cannot load " + what + " (" + file + ") as TorchScript: " + firstLine(e.getMessage())
                    + " (is the file complete? re-export it with torch.jit.trace/script and .save(path))", e);
        }
        return new TorchScriptNetwork(m, what);
    }

    /**
     * A module output.
     *
     * @param values float32 values, row-major
     * @param shape the shape
     */
    public record Output(float[] values, long[] shape) {}

    /**
     * Runs the module and checks its output's shape.
     *
     * @param inputs the inputs in signature order
     * @param expected the expected output shape
     * @param outputName how messages name the output ("prediction", "decoded image")
     * @return the first output, float32, row-major
     */
    public float[] forward(List<Input> inputs, long[] expected, String outputName) {
        Output o = call(inputs, outputName);
        if (!Arrays.equals(o.shape(), expected)) {
            throw new ModelException(label + " returned its " + outputName + " with shape " + Arrays.toString(o.shape()) + ", expected "
                    + Arrays.toString(expected) + " (from sample in model.yaml) — the descriptor does not match the network");
        }
        return o.values();
    }

    /**
     * Runs the module: inputs, intermediates and outputs live in a sub-manager closed before returning.
     *
     * @param inputs the inputs in signature order
     * @param outputName how messages name the output
     * @return the first output (a tuple output's first element), which must be float32
     */
    public Output call(List<Input> inputs, String outputName) {
        return callAll(inputs, 1, outputName).get(0);
    }

    /**
     * Runs a module with several outputs (a tuple), e.g. a classifier's {@code (logits, features)}.
     *
     * @param inputs the inputs in signature order
     * @param count how many outputs the caller needs (the first {@code count}, each float32)
     * @param outputName how messages name the outputs
     * @return the first {@code count} outputs
     */
    public List<Output> callAll(List<Input> inputs, int count, String outputName) {
        try (NDManager call = model.getNDManager().newSubManager()) {
            NDList in = new NDList(inputs.size());
            for (Input i : inputs) {
                in.add(i.floats() != null ? call.create(i.floats(), new Shape(i.shape())) : call.create(i.longs(), new Shape(i.shape())));
            }
            NDList out;
            try {
                out = block.forward(new ParameterStore(call, false), in, false);
            } catch (RuntimeException e) {
                throw new ModelException(label + " failed on its inputs (" + inputs.stream().map(Input::toString).collect(Collectors.joining(", "))
                        + "): " + firstLine(e.getMessage()) + " — check inputs and sample in model.yaml against the network's forward signature", e);
            }
            if (out.size() < count) {
                throw new ModelException(label + " returned " + (out.isEmpty() ? "no output" : out.size() + " output(s)") + "; expected "
                        + (count == 1 ? "the " : count + " outputs: ") + outputName);
            }
            List<Output> result = new java.util.ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                NDArray o = out.get(k);
                DataType dt = o.getDataType();
                if (dt != DataType.FLOAT32) {
                    // never convert: a bfloat16 conversion is what aborts the JVM
                    String name = dt == DataType.BFLOAT16 ? "bfloat16" : dt == DataType.FLOAT16 ? "float16" : dt.toString().toLowerCase(java.util.Locale.ROOT);
                    throw new ModelException(label + " returned its " + outputName + " as " + name + ", expected float32: " + DtypeCheck.advice(name));
                }
                result.add(new Output(o.toFloatArray(), o.getShape().getShape()));
            }
            return result;
        }
    }

    /** Native arrays attached to this network's manager (its parameters; constant between calls when nothing leaks). */
    public int liveArrays() {
        return model.getNDManager().getManagedArrays().size();
    }

    /** The informative line of a libtorch error (its {@code RuntimeError: ...} line when there is one). */
    static String firstLine(String s) {
        if (s == null) return "(no message)";
        for (String line : s.split("\n")) {
            String l = line.strip();
            if (l.startsWith("RuntimeError: ")) return l.substring("RuntimeError: ".length());
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    @Override
    public void close() {
        model.close();
    }
}
