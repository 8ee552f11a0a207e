package io.gapwatch.engine.sgd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of one online learner: how the user's optimizer is set up. Every field is one
 * {@link LearnerSetting} in {@link #SETTINGS}; {@link #parse} reads them from key=value pairs
 * with errors that name the key.
 */
public record LearnerConfig(
        PresetKind preset,
        LossKind loss,
        OptimizerKind optimizer,
        double lr,
        ScheduleKind schedule,
        double power,
        double decay,
        long step,
        long batch,
        double l2,
        double clip,
        boolean average,
        double momentum,
        double beta1,
        double beta2,
        double eps,
        EpsForm epsForm,
        double accumulatorInit,
        boolean amsgrad,
        double weightDecay,
        boolean standardize,
        boolean scaleTarget,
        boolean whiten,
        boolean intercept,
        double interceptLr,
        InitKind init,
        double[] initWeights,
        long seed,
        OnDiverge onDiverge) {

    public enum OptimizerKind { SGD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADAM, ADAMW;

        /** Adaptive methods scale each coordinate by its own gradient history: no single step-size bound applies. */
        public boolean adaptive() {
            return this == ADAGRAD || this == RMSPROP || this == ADAM || this == ADAMW;
        }
    }

    public enum ScheduleKind { CONSTANT, INVSCALING, EXPONENTIAL, STEP }

    public enum InitKind { ZEROS, NORMAL, HE, UNIFORM, GLOROT, GIVEN }

    /**
     * The loss the optimizer differentiates. scikit-learn's {@code squared_error} is ½(ŷ − y)²;
     * PyTorch's {@code MSELoss} and Keras's {@code mse} are (ŷ − y)², whose gradient is twice as
     * large: the same learning rate steps twice as far, and the stable rate is half.
     */
    public enum LossKind {
        HALF_SQUARED(1.0), MSE(2.0);

        private final double scale;

        LossKind(double scale) {
            this.scale = scale;
        }

        /** d loss / d ŷ = scale · (ŷ − y): the factor the gradient, the curvature and the loss carry. */
        public double scale() {
            return scale;
        }

        /** The loss of one residual r = ŷ − y: ½r² or r². */
        public double of(double residual) {
            return 0.5 * scale * residual * residual;
        }
    }

    /** Where ε enters an adaptive step: the frameworks differ, and with a small v it matters. */
    public enum EpsForm { TORCH, KERAS }

    /** A framework whose defaults a learner takes unless a setting says otherwise. */
    public enum PresetKind { NONE, SKLEARN, TORCH, KERAS }

    public enum OnDiverge { KEEP, RESET }

    // ---------------------------------------------------------------- the definitions, once

    public static final LearnerSetting<PresetKind> PRESET = LearnerSetting.choice("preset", PresetKind.NONE, PresetKind.class,
            "take a framework's defaults for loss, init, lr, eps, betas and eps-form (table below); settings given explicitly win");
    public static final LearnerSetting<LossKind> LOSS = LearnerSetting.choice("loss", LossKind.HALF_SQUARED, LossKind.class,
            "half-squared: ½(ŷ − y)², scikit-learn's squared_error; mse: (ŷ − y)², PyTorch's MSELoss and Keras's mse, twice the gradient");
    public static final LearnerSetting<OptimizerKind> OPTIMIZER = LearnerSetting.choice("optimizer", OptimizerKind.SGD,
            OptimizerKind.class, "update rule; adamw is adam with decoupled weight decay (set weight-decay)");
    public static final LearnerSetting<Double> LR = LearnerSetting.number("lr", 0.01, 0, false, Double.POSITIVE_INFINITY,
            "initial learning rate η₀ (scikit-learn's eta0)");
    public static final LearnerSetting<ScheduleKind> SCHEDULE = LearnerSetting.choice("schedule", ScheduleKind.CONSTANT,
            ScheduleKind.class, "η_t: constant η₀; invscaling η₀/t^power; exponential η₀·decay^(t−1); step η₀·decay^⌊(t−1)/step⌋");
    public static final LearnerSetting<Double> POWER = LearnerSetting.number("power", 0.25, 0, true, Double.POSITIVE_INFINITY,
            "exponent of the invscaling schedule (scikit-learn's power_t)");
    public static final LearnerSetting<Double> DECAY = LearnerSetting.number("decay", 0.999, 0, false, 1,
            "factor of the exponential and step schedules");
    public static final LearnerSetting<Long> STEP = LearnerSetting.integer("step", 1000, 1,
            "steps between decays of the step schedule");
    public static final LearnerSetting<Long> BATCH = LearnerSetting.integer("batch", 1, 1,
            "records per update; the gradient is their mean");
    public static final LearnerSetting<Double> L2 = LearnerSetting.number("l2", 0, 0, true, Double.POSITIVE_INFINITY,
            "L2 penalty added to the loss, ½·l2·‖w‖² (intercept not penalized)");
    public static final LearnerSetting<Double> CLIP = LearnerSetting.number("clip", 0, 0, true, Double.POSITIVE_INFINITY,
            "clip the gradient to this global norm; 0 = off");
    public static final LearnerSetting<Boolean> AVERAGE = LearnerSetting.flag("average", false,
            "Polyak averaging: predict and report with the running mean of the iterates");
    public static final LearnerSetting<Double> MOMENTUM = LearnerSetting.number("momentum", 0.9, 0, true, 1,
            "momentum μ of the momentum and nesterov optimizers");
    public static final LearnerSetting<Double> BETA1 = LearnerSetting.number("beta1", 0.9, 0, true, 1,
            "Adam's first-moment decay");
    public static final LearnerSetting<Double> BETA2 = LearnerSetting.number("beta2", 0.999, 0, true, 1,
            "Adam's second-moment decay; also RMSprop's decay ρ");
    public static final LearnerSetting<Double> EPS = LearnerSetting.number("eps", 1e-8, 0, false, Double.POSITIVE_INFINITY,
            "denominator guard of adagrad, rmsprop and adam");
    public static final LearnerSetting<EpsForm> EPS_FORM = LearnerSetting.choice("eps-form", EpsForm.TORCH, EpsForm.class,
            "torch: adam divides by √v̂ + ε with v̂ bias-corrected, rmsprop and adagrad by √v + ε; keras: adam by √v + ε with the "
                    + "correction folded into the step (also scikit-learn's MLP), rmsprop and adagrad by √(v + ε)");
    public static final LearnerSetting<Double> ACCUMULATOR_INIT = LearnerSetting.number("accumulator-init", 0, 0, true,
            Double.POSITIVE_INFINITY, "adagrad's starting sum of squared gradients (PyTorch 0, Keras 0.1)");
    public static final LearnerSetting<Boolean> AMSGRAD = LearnerSetting.flag("amsgrad", false,
            "adam/adamw: use the running maximum of the second moment (Reddi et al. 2018)");
    public static final LearnerSetting<Double> WEIGHT_DECAY = LearnerSetting.number("weight-decay", 0, 0, true, Double.POSITIVE_INFINITY,
            "decoupled weight decay: w ← w·(1 − η·weight-decay) before each step (AdamW); any optimizer");
    public static final LearnerSetting<Boolean> STANDARDIZE = LearnerSetting.flag("standardize", false,
            "train on features standardized by running means and variances (Welford); weights reported in original units");
    public static final LearnerSetting<Boolean> SCALE_TARGET = LearnerSetting.flag("scale-target", false,
            "train on the target standardized by its running mean and variance; reported in original units");
    public static final LearnerSetting<Boolean> WHITEN = LearnerSetting.flag("whiten", false,
            "precondition each step by the inverse running second-moment matrix, through the exact fit's factor (O(d²))");
    public static final LearnerSetting<Boolean> INTERCEPT = LearnerSetting.flag("intercept", true,
            "learn an intercept");
    public static final LearnerSetting<Double> INTERCEPT_LR = LearnerSetting.optionalNumber("intercept-lr", 0,
            "learning rate of the intercept, if different from lr (follows the same schedule)");
    public static final LearnerSetting<InitKind> INIT = LearnerSetting.choice("init", InitKind.ZEROS, InitKind.class,
            "start: zeros; normal N(0, 0.05²) (Keras' RandomNormal); he N(0, 2/d); uniform U(±1/√d), weights and intercept "
                    + "(PyTorch's nn.Linear); glorot U(±√(6/(d+1))), intercept 0 (Keras's Dense); given init-weights");
    public static final LearnerSetting<double[]> INIT_WEIGHTS = LearnerSetting.numbers("init-weights",
            "with init=given: d weights, or the intercept then d weights, as the optimizer sees them");
    public static final LearnerSetting<Long> SEED = LearnerSetting.integer("seed", 0, 0,
            "seed of the random start");
    public static final LearnerSetting<OnDiverge> ON_DIVERGE = LearnerSetting.choice("on-diverge", OnDiverge.KEEP,
            OnDiverge.class, "when the weights blow up: keep the last finite ones and stop, or reset to the start and go on");

    /** Every setting, in documentation order. */
    public static final List<LearnerSetting<?>> SETTINGS = List.of(PRESET, LOSS, OPTIMIZER, LR, SCHEDULE, POWER, DECAY, STEP,
            BATCH, L2, CLIP, AVERAGE, MOMENTUM, BETA1, BETA2, EPS, EPS_FORM, ACCUMULATOR_INIT, AMSGRAD, WEIGHT_DECAY,
            STANDARDIZE, SCALE_TARGET, WHITEN, INTERCEPT, INTERCEPT_LR, INIT, INIT_WEIGHTS, SEED, ON_DIVERGE);

    /**
     * What a preset sets for an optimizer, as text settings: the framework's documented defaults.
     * PyTorch 1.13 (torch/optim, torch/nn/modules/linear.py), Keras 3 (keras/src/optimizers,
     * layers/core/dense.py) and scikit-learn 1.2 (SGDRegressor; MLPRegressor's Adam). The sources,
     * and the checks against the installed PyTorch, are in scripts/golden_presets.py.
     */
    public static Map<String, String> presetDefaults(PresetKind preset, OptimizerKind optimizer) {
        final Map<String, String> d = new LinkedHashMap<>();
        switch (preset) {
            case NONE -> {
            }
            case SKLEARN -> {
                // SGDRegressor: ½(ŷ − y)², zeros, eta0 0.01; MLPRegressor's Adam: lr 1e-3, ε 1e-8 added after the correction
                d.put("loss", "half-squared");
                d.put("init", "zeros");
                d.put("lr", optimizer == OptimizerKind.ADAM || optimizer == OptimizerKind.ADAMW ? "0.001" : "0.01");
                d.put("eps", "1e-8");
                d.put("eps-form", "keras");
            }
            case TORCH -> {
                d.put("loss", "mse");
                d.put("init", "uniform");
                switch (optimizer) {
                    case ADAM, ADAMW -> d.put("lr", "0.001");
                    case RMSPROP, ADAGRAD -> d.put("lr", "0.01");
                    default -> {
                    } // torch.optim.SGD has no default rate: gapwatch's 0.01 stands
                }
                d.put("eps", optimizer == OptimizerKind.ADAGRAD ? "1e-10" : "1e-8");
                d.put("beta2", optimizer == OptimizerKind.RMSPROP ? "0.99" : "0.999");
                d.put("eps-form", "torch");
                d.put("accumulator-init", "0");
            }
            case KERAS -> {
                d.put("loss", "mse");
                d.put("init", "glorot");
                d.put("lr", optimizer == OptimizerKind.SGD || optimizer == OptimizerKind.MOMENTUM
                        || optimizer == OptimizerKind.NESTEROV ? "0.01" : "0.001");
                d.put("eps", "1e-7");
                d.put("beta2", optimizer == OptimizerKind.RMSPROP ? "0.9" : "0.999");
                d.put("eps-form", "keras");
                d.put("accumulator-init", "0.1");
            }
        }
        return d;
    }

    /** Every default. */
    public static final LearnerConfig DEFAULTS = parse(Map.of());

    /**
     * The learners run when none is configured: plain SGD as scikit-learn's SGDRegressor runs it
     * (η = 0.01, constant) and Adam with Kingma &amp; Ba's defaults (η = 0.001).
     */
    public static Map<String, LearnerConfig> defaultSet() {
        return defaultSet(Map.of());
    }

    /** The default set, with {@code inherited} settings (such as the model's intercept) under each. */
    public static Map<String, LearnerConfig> defaultSet(Map<String, String> inherited) {
        final Map<String, LearnerConfig> set = new LinkedHashMap<>();
        set.put("sgd", parse(withInherited(Map.of("optimizer", "sgd", "lr", "0.01"), inherited)));
        set.put("adam", parse(withInherited(Map.of("optimizer", "adam", "lr", "0.001"), inherited)));
        return set;
    }

    /** {@code own} settings over {@code inherited} ones: what the user wrote for this learner wins. */
    public static Map<String, String> withInherited(Map<String, String> own, Map<String, String> inherited) {
        final Map<String, String> merged = new LinkedHashMap<>(inherited);
        merged.putAll(own);
        return merged;
    }

    /**
     * Reads a learner from key=value settings; absent keys take their defaults.
     *
     * @throws IllegalArgumentException naming the first unknown key or bad value, e.g.
     *         "unknown learner setting 'lrate' (settings: optimizer, lr, …)" or "lr: must be a number > 0, got -1"
     */
    public static LearnerConfig parse(Map<String, String> values) {
        for (String key : values.keySet()) {
            if (SETTINGS.stream().noneMatch(s -> s.name().equals(key))) {
                throw new IllegalArgumentException("unknown learner setting '" + key + "' (settings: "
                        + String.join(", ", SETTINGS.stream().map(LearnerSetting::name).toList()) + ")");
            }
        }
        // a preset fills in what the user left out; it depends on the optimizer (PyTorch's Adagrad ε is 1e-10, its Adam's 1e-8)
        final Map<String, String> given = values;
        values = new LinkedHashMap<>(presetDefaults(get(given, PRESET), get(given, OPTIMIZER)));
        values.putAll(given);
        final LearnerConfig config = new LearnerConfig(
                get(values, PRESET), get(values, LOSS),
                get(values, OPTIMIZER), get(values, LR), get(values, SCHEDULE), get(values, POWER), get(values, DECAY),
                get(values, STEP), get(values, BATCH), get(values, L2), get(values, CLIP), get(values, AVERAGE),
                get(values, MOMENTUM), get(values, BETA1), get(values, BETA2), get(values, EPS), get(values, EPS_FORM),
                get(values, ACCUMULATOR_INIT), get(values, AMSGRAD),
                get(values, WEIGHT_DECAY), get(values, STANDARDIZE), get(values, SCALE_TARGET), get(values, WHITEN),
                get(values, INTERCEPT), get(values, INTERCEPT_LR), get(values, INIT), get(values, INIT_WEIGHTS),
                get(values, SEED), get(values, ON_DIVERGE));
        config.checkConsistent();
        return config;
    }

    private static <T> T get(Map<String, String> values, LearnerSetting<T> setting) {
        final String text = values.get(setting.name());
        if (text == null) {
            return setting.defaultValue();
        }
        try {
            return setting.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting.name() + ": " + e.getMessage(), e);
        }
    }

    private void checkConsistent() {
        if (init == InitKind.GIVEN && initWeights.length == 0) {
            throw new IllegalArgumentException("init=given needs init-weights");
        }
        if (init != InitKind.GIVEN && initWeights.length > 0) {
            throw new IllegalArgumentException("init-weights is used only with init=given");
        }
        if (whiten && standardize) {
            throw new IllegalArgumentException("whiten already removes the features' scale and correlation; drop standardize");
        }
    }

    /**
     * Checks what depends on the model: the number of given weights.
     *
     * @throws IllegalArgumentException if init-weights has neither d nor d + 1 values
     */
    public void checkFor(int features) {
        if (init == InitKind.GIVEN) {
            final int expected = features + (intercept ? 1 : 0);
            if (initWeights.length != features && initWeights.length != expected) {
                throw new IllegalArgumentException("init-weights has " + initWeights.length + " values; the model has "
                        + features + " features" + (intercept ? " (give " + features + " weights, or the intercept and " + features + " weights)" : ""));
            }
        }
    }

    /**
     * The settings that differ from the defaults, as key=value text, for reports: the optimizer
     * and lr always, and with a preset, only what differs from what the preset gives.
     */
    public String describe() {
        final List<String> parts = new ArrayList<>();
        final Map<String, String> mine = asText(this);
        final Map<String, String> defaults = asText(parse(Map.of(PRESET.name(), LearnerSetting.lower(preset),
                OPTIMIZER.name(), LearnerSetting.lower(optimizer))));
        for (LearnerSetting<?> s : SETTINGS) {
            if ((s == PRESET && preset != PresetKind.NONE) || s == OPTIMIZER || s == LR
                    || !mine.get(s.name()).equals(defaults.get(s.name()))) {
                parts.add(s.name() + "=" + mine.get(s.name()));
            }
        }
        return String.join(",", parts);
    }

    /** Every setting's value as text, in {@link #SETTINGS} order. */
    public static Map<String, String> asText(LearnerConfig c) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put(PRESET.name(), LearnerSetting.lower(c.preset));
        m.put(LOSS.name(), LearnerSetting.lower(c.loss));
        m.put(OPTIMIZER.name(), LearnerSetting.lower(c.optimizer));
        m.put(LR.name(), LearnerSetting.format(c.lr));
        m.put(SCHEDULE.name(), LearnerSetting.lower(c.schedule));
        m.put(POWER.name(), LearnerSetting.format(c.power));
        m.put(DECAY.name(), LearnerSetting.format(c.decay));
        m.put(STEP.name(), Long.toString(c.step));
        m.put(BATCH.name(), Long.toString(c.batch));
        m.put(L2.name(), LearnerSetting.format(c.l2));
        m.put(CLIP.name(), LearnerSetting.format(c.clip));
        m.put(AVERAGE.name(), Boolean.toString(c.average));
        m.put(MOMENTUM.name(), LearnerSetting.format(c.momentum));
        m.put(BETA1.name(), LearnerSetting.format(c.beta1));
        m.put(BETA2.name(), LearnerSetting.format(c.beta2));
        m.put(EPS.name(), LearnerSetting.format(c.eps));
        m.put(EPS_FORM.name(), LearnerSetting.lower(c.epsForm));
        m.put(ACCUMULATOR_INIT.name(), LearnerSetting.format(c.accumulatorInit));
        m.put(AMSGRAD.name(), Boolean.toString(c.amsgrad));
        m.put(WEIGHT_DECAY.name(), LearnerSetting.format(c.weightDecay));
        m.put(STANDARDIZE.name(), Boolean.toString(c.standardize));
        m.put(SCALE_TARGET.name(), Boolean.toString(c.scaleTarget));
        m.put(WHITEN.name(), Boolean.toString(c.whiten));
        m.put(INTERCEPT.name(), Boolean.toString(c.intercept));
        m.put(INTERCEPT_LR.name(), Double.isNaN(c.interceptLr) ? "" : LearnerSetting.format(c.interceptLr));
        m.put(INIT.name(), LearnerSetting.lower(c.init));
        final StringBuilder weights = new StringBuilder();
        for (double w : c.initWeights) {
            weights.append(weights.length() == 0 ? "" : ";").append(LearnerSetting.format(w));
        }
        m.put(INIT_WEIGHTS.name(), weights.toString());
        m.put(SEED.name(), Long.toString(c.seed));
        m.put(ON_DIVERGE.name(), LearnerSetting.lower(c.onDiverge));
        return m;
    }

    /** Parses "k=v,k=v" (the text after NAME: on the command line). */
    public static Map<String, String> splitPairs(String text) {
        final Map<String, String> pairs = new LinkedHashMap<>();
        if (text.isBlank()) {
            return pairs;
        }
        for (String part : text.split(",")) {
            final int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + part.strip() + "'");
            }
            final String key = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (pairs.put(key, part.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException("setting '" + key + "' given twice");
            }
        }
        return pairs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LearnerConfig other && asText(this).equals(asText(other));
    }

    @Override
    public int hashCode() {
        return asText(this).hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }
}
