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
     * Classes whose settings, {@code set_timesteps} and {@code step} are another class's: diffusers'
     * {@code DDIMParallelScheduler} and {@code DDPMParallelScheduler} are DDIM and DDPM plus a batched step
     * ({@link DiffusersStepper#batchStepNoNoise}); their configs load as DDIM's and DDPM's.
     */
    private static final Map<String, String> SAME_MATHS = Map.of("DDIMParallelScheduler", "DDIMScheduler", "DDPMParallelScheduler", "DDPMScheduler");

    /**
     * Builds a config for {@code className} from the given settings (keys starting with {@code _} such as
     * {@code _class_name} and {@code _diffusers_version} are metadata and skipped).
     *
     * @param className the diffusers class, e.g. {@code EulerDiscreteScheduler}
     * @param settings the config's keys and values (as in {@code scheduler_config.json}); missing keys take the class's defaults
     * @return the config with the class's defaults filled in
     */
    public static DiffusersConfig of(String className, Map<String, ?> settings) {
        className = SAME_MATHS.getOrDefault(className, className);
        ClassDefaults.Entry e = entry(className);
        if (e == null) throw new ScheduleException(Names.unknown("diffusers scheduler class", className, knownClasses()));
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
     * The settings a class's {@code __init__} rewrites with {@code register_to_config} after validating the arguments as
     * given (so they show in its {@code config} and travel on with {@code from_config}, between the DPM-Solver, DEIS
     * and UniPC classes): the DPM-Solver classes turn {@code algorithm_type='deis'} into
     * {@code dpmsolver++} and the solver types {@code logrho/bh1/bh2} into {@code midpoint}; DEIS turns
     * {@code dpmsolver/dpmsolver++} into {@code deis} and {@code midpoint/heun/bh1/bh2} into {@code logrho}; UniPC turns
     * {@code midpoint/heun/logrho} into {@code bh2}. Other values are left for the class to accept or reject.
     */
    private static void registerToConfig(String className, Map<String, Object> v) {
        Object algorithm = v.get("algorithm_type");
        Object solver = v.get("solver_type");
        switch (className) {
            case "DPMSolverMultistepScheduler", "DPMSolverSinglestepScheduler", "EDMDPMSolverMultistepScheduler", "DPMSolverMultistepInverseScheduler" -> {
                if ("deis".equals(algorithm)) v.put("algorithm_type", "dpmsolver++");
                if (List.of("logrho", "bh1", "bh2").contains(solver)) v.put("solver_type", "midpoint");
            }
            case "DEISMultistepScheduler" -> {
                if (List.of("dpmsolver", "dpmsolver++").contains(algorithm)) v.put("algorithm_type", "deis");
                if (List.of("midpoint", "heun", "bh1", "bh2").contains(solver)) v.put("solver_type", "logrho");
            }
            case "UniPCMultistepScheduler" -> {
                if (List.of("midpoint", "heun", "logrho").contains(solver)) v.put("solver_type", "bh2");
            }
            default -> { }
        }
    }

    /**
     * diffusers' {@code OtherClass.from_config(this.config)}: {@code className}'s defaults overridden by the settings of
     * this config that {@code className} knows; the settings it does not know are kept but ignored (listed by
     * {@link #ignoredKeys()}), and travel on to the next {@code from_config}, as diffusers keeps them in the new
     * scheduler's {@code config}. What this class's {@code __init__} rewrote in its {@code config} travels rewritten (a
     * DPM-Solver config arrives in DEIS with {@code algorithm_type='deis'}, and back as {@code dpmsolver++}).
     *
     * @param className the diffusers class to switch to
     * @return the config of {@code className}
     */
    public DiffusersConfig forClass(String className) {
        Map<String, Object> stored = new LinkedHashMap<>(values);
        registerToConfig(this.className, stored);
        return of(className, stored);
    }

    private static ClassDefaults.Entry entry(String className) {
        ClassDefaults.Entry e = ClassDefaults.ALL.get(className);
        return e != null ? e : StepOnlyFamily.DEFAULTS.get(className);
    }

    /** {@return the diffusers class names this library implements} */
    public static java.util.Set<String> knownClasses() {
        java.util.Set<String> all = new java.util.LinkedHashSet<>(ClassDefaults.ALL.keySet());
        all.addAll(StepOnlyFamily.DEFAULTS.keySet());
        return Collections.unmodifiableSet(all);
    }

    /** {@return the diffusers class name} */
    public String className() { return className; }

    /** {@return all effective settings: the class's defaults overridden by the given ones} */
    public Map<String, Object> values() { return values; }

    /** {@return the settings given that the class does not know (kept, but ignored); empty when all are known} */
    public List<String> ignoredKeys() { return ignored; }

    /** {@return the class attribute {@code order}: model calls per step (2 for Heun and KDPM2, else 1)} */
    public int order() { return entry(className).order(); }

    /** {@return the parameter names of the class's {@code set_timesteps}} */
    public List<String> setTimestepsParams() { return entry(className).setTimestepsParams(); }

    /**
     * Whether the key is set to a non-null value.
     *
     * @param key a config key, e.g. {@code timestep_spacing}
     * @return whether the key is set to a non-null value
     */
    public boolean has(String key) { return values.get(key) != null; }

    /**
     * Raw value.
     *
     * @param key a config key
     * @return the value as parsed from JSON, or {@code null} when unset
     */
    public Object get(String key) { return values.get(key); }

    /**
     * String setting.
     *
     * @param key a config key
     * @return the value as text, or {@code null} when unset
     */
    public String str(String key) {
        Object o = values.get(key);
        return o == null ? null : o.toString();
    }

    /**
     * Number setting or {@code null}.
     *
     * @param key a config key
     * @return the number (JSON's {@code "inf"}, {@code "-inf"} and {@code "NaN"} strings included), or {@code null} when unset
     * @throws ScheduleException if the value is not a number
     */
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

    /**
     * Number setting (required).
     *
     * @param key a config key
     * @return the number
     * @throws ScheduleException if the value is unset or not a number
     */
    public double dbl(String key) {
        Double d = optDbl(key);
        if (d == null) throw new ScheduleException(className + ": config '" + key + "' must be set");
        return d;
    }

    /**
     * Integer setting (required).
     *
     * @param key a config key
     * @return the integer
     * @throws ScheduleException if the value is unset or not a whole number
     */
    public int integer(String key) {
        Object o = values.get(key);
        if (o instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.intValue();
        throw new ScheduleException(className + ": config '" + key + "' must be an integer, got '" + o + "'");
    }

    /**
     * Boolean setting ({@code null} = false).
     *
     * @param key a config key
     * @return the value, {@code false} when unset
     * @throws ScheduleException if the value is not a boolean
     */
    public boolean bool(String key) {
        Object o = values.get(key);
        if (o == null) return false;
        if (o instanceof Boolean b) return b;
        throw new ScheduleException(className + ": config '" + key + "' must be true or false, got '" + o + "'");
    }

    /**
     * A list-of-numbers setting or {@code null}.
     *
     * @param key a config key
     * @return the numbers, or {@code null} when unset
     * @throws ScheduleException if the value is not a list
     */
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
     * @return the noise model the class samples
     */
    public DiscreteNoiseModel discreteModel(DiscreteNoiseModel.TerminalClamp clamp, List<BetaSchedule> allowed) {
        Object[] last = lastDiscrete;
        if (last != null && last[0] == clamp && last[1] == allowed) return (DiscreteNoiseModel) last[2];
        DiscreteNoiseModel m = buildDiscreteModel(clamp, allowed);
        // configs are immutable; trained betas come from the caller's array or list, so those are read every time
        if (values.get("trained_betas") == null) lastDiscrete = new Object[] {clamp, allowed, m};
        return m;
    }

    /** The last {@link #discreteModel} result and its arguments: {@code set_timesteps} asks for it once per call. */
    private volatile Object[] lastDiscrete;

    private DiscreteNoiseModel buildDiscreteModel(DiscreteNoiseModel.TerminalClamp clamp, List<BetaSchedule> allowed) {
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
