package org.sampler4j.api.noise;

import java.util.List;
import java.util.Map;
import org.sampler4j.api.testutil.MiniJson;

/** Access to the PyTorch RNG golden vectors under {@code /golden/torch_rng/} (copied from shared/golden). */
final class GoldenRng {
    private GoldenRng() {}

    static Map<String, Object> load(String name) {
        return map(MiniJson.resource("/golden/torch_rng/" + name));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    static long asLong(Object o) {
        return ((Number) o).longValue();
    }

    static double[] doubles(Object o) {
        List<Object> l = list(o);
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) l.get(i)).doubleValue();
        return out;
    }

    static int numel(Object shape) {
        int n = 1;
        for (Object d : list(shape)) n *= (int) asLong(d);
        return n;
    }

    /** Distance in units in the last place between two floats of the same sign (0 when bit-identical). */
    static long ulpsFloat(float a, float b) {
        return Math.abs((long) Float.floatToIntBits(a) - Float.floatToIntBits(b));
    }

    /** Distance in units in the last place between two doubles of the same sign (0 when bit-identical). */
    static long ulpsDouble(double a, double b) {
        long d = Double.doubleToLongBits(a) - Double.doubleToLongBits(b);
        return d == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(d);
    }
}
