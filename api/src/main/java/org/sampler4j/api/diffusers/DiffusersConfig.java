package org.sampler4j.api.diffusers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.schedule.BetaSchedule;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.Names;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * A diffusers scheduler configuration ({@code scheduler_config.json}): the class name and its settings merged over
 * that class's {@code __init__} defaults. Values are JSON-like: {@link Number}, {@link String}, {@link Boolean},
 * {@link List} or {@code null}. Keys that the class does not have are kept (diffusers ignores them too) and listed by
 * {@link #ignoredKeys()}.
 */
public final class DiffusersConfig {
    private final String className;
    private final Map<String, Object> values;
    private final List<String> ignored;

    private DiffusersConfig(String className, Map<String, Object> values, List<String> ignored) {
        this.className = className;
        this.values = values;
        this.ignored = ignored;
    }

    /**
     * Builds a config for {@code className} from the given settings (keys starting with {@code _} such as
     * {@code _class_name} and {@code _diffusers_version} are metadata and skipped).
     */
    public static DiffusersConfig of(String className, Map<String, ?> settings) {
        ClassDefaults.Entry e = ClassDefaults.ALL.get(className);
        if (e == null) throw new ScheduleException(Names.unknown("diffusers scheduler class", className, ClassDefaults.ALL.keySet()));
        Map<String, Object> v = new LinkedHashMap<>(e.config());
        List<String> ignored = new java.util.ArrayList<>();
        for (Map.Entry<String, ?> s : settings.entrySet()) {
            if (s.getKey().startsWith("_")) continue;
            if (!e.config().containsKey(s.getKey())) ignored.add(s.getKey());
            v.put(s.getKey(), s.getValue());
        }
        return new DiffusersConfig(className, Collections.unmodifiableMap(v), List.copyOf(ignored));
    }

    /**
     * diffusers' {@code OtherClass.from_config(this.config)}: {@code className}'s defaults overridden by the settings
     * of this config that {@code className} knows; the rest (settings only this class has, and the keys this config
     * ignored) are dropped, as diffusers' {@code extract_init_dict} drops them.
     */
    public DiffusersConfig forClass(String className) {
        ClassDefaults.Entry e = ClassDefaults.ALL.get(className);
        if (e == null) throw new ScheduleException(Names.unknown("diffusers scheduler class", className, ClassDefaults.ALL.keySet()));
        Map<String, Object> kept = new LinkedHashMap<>();
        for (Map.Entry<String, Object> s : values.entrySet()) {
            if (e.config().containsKey(s.getKey())) kept.put(s.getKey(), s.getValue());
        }
        return of(className, kept);
    }

    /** Known class names. */
    public static java.util.Set<String> knownClasses() {
        return ClassDefaults.ALL.keySet();
    }

    /** The diffusers class name. */
    public String className() { return className; }

    /** All effective settings. */
    public Map<String, Object> values() { return values; }

    /** Settings given that the class does not know. */
    public List<String> ignoredKeys() { return ignored; }

    /** The class attribute {@code order}. */
    public int order() { return ClassDefaults.ALL.get(className).order(); }

    /** The parameter names of the class's {@code set_timesteps}. */
    public List<String> setTimestepsParams() { return ClassDefaults.ALL.get(className).setTimestepsParams(); }

    /** Whether the key is set to a non-null value. */
    public boolean has(String key) { return values.get(key) != null; }

    /** Raw value. */
    public Object get(String key) { return values.get(key); }

    /** String setting. */
    public String str(String key) {
        Object o = values.get(key);
        return o == null ? null : o.toString();
    }

    /** Number setting or {@code null}. */
    public Double optDbl(String key) {
        Object o = values.get(key);
        if (o == null) return null;
        if (o instanceof Number n) return n.doubleValue();
        if (o instanceof String s) {
            switch (s) {
                case "-Infinity": case "-inf": return Double.NEGATIVE_INFINITY;
                case "Infinity": case "inf": return Double.POSITIVE_INFINITY;
                case "NaN": return Double.NaN;
                default: break;
            }
        }
        throw new ScheduleException(className + ": config '" + key + "' must be a number, got '" + o + "'");
    }

    /** Number setting (required). */
    public double dbl(String key) {
        Double d = optDbl(key);
        if (d == null) throw new ScheduleException(className + ": config '" + key + "' must be set");
        return d;
    }

    /** Integer setting (required). */
    public int integer(String key) {
        Object o = values.get(key);
        if (o instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.intValue();
        throw new ScheduleException(className + ": config '" + key + "' must be an integer, got '" + o + "'");
    }

    /** Boolean setting ({@code null} = false). */
    public boolean bool(String key) {
        Object o = values.get(key);
        if (o == null) return false;
        if (o instanceof Boolean b) return b;
        throw new ScheduleException(className + ": config '" + key + "' must be true or false, got '" + o + "'");
    }

    /** A list-of-numbers setting or {@code null}. */
    public double[] doubles(String key) {
        Object o = values.get(key);
        if (o == null) return null;
        if (!(o instanceof List<?> l)) throw new ScheduleException(className + ": config '" + key + "' must be a list of numbers");
        double[] r = new double[l.size()];
        for (int i = 0; i < r.length; i++) r[i] = ((Number) l.get(i)).doubleValue();
        return r;
    }

    /**
     * The discrete noise model of the {@code beta_*}, {@code num_train_timesteps}, {@code trained_betas} and
     * {@code rescale_betas_zero_snr} settings.
     *
     * @param clamp what the last alpha-bar becomes under zero-SNR (depends on the class)
     * @param allowed the beta schedules this class implements (diffusers raises NotImplementedError for others)
     */
    public DiscreteNoiseModel discreteModel(DiscreteNoiseModel.TerminalClamp clamp, List<BetaSchedule> allowed) {
        DiscreteNoiseModel.Builder b = DiscreteNoiseModel.builder().numTrainTimesteps(integer("num_train_timesteps"))
                .zeroSnr(bool("rescale_betas_zero_snr")).terminalClamp(clamp);
        double[] trained = doubles("trained_betas");
        if (trained != null) {
            float[] f = new float[trained.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) trained[i];
            b.trainedBetas(f);
        } else {
            BetaSchedule s = BetaSchedule.parse(str("beta_schedule"));
            if (!allowed.contains(s)) {
                throw new ScheduleException(className + " does not implement beta_schedule '" + s.id() + "'; use one of "
                        + allowed.stream().map(BetaSchedule::id).toList());
            }
            b.betaSchedule(s).betaStart(dbl("beta_start")).betaEnd(dbl("beta_end"));
        }
        return b.build();
    }

    @Override
    public String toString() {
        return className + values;
    }
}
