package io.gapwatch.engine.sgd;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One learner setting: its name, type, default, check and documentation, defined once. The CLI
 * ({@code replay --learner NAME:key=value,…}), the stream processor's configuration
 * ({@code learner.NAME.key=value}) and the README's table all read these definitions.
 *
 * @param <T> the parsed value's type
 */
public final class LearnerSetting<T> {

    private final String name;
    private final String type;
    private final T defaultValue;
    private final String defaultText;
    private final Function<String, T> parser;
    private final String doc;

    private LearnerSetting(String name, String type, T defaultValue, String defaultText,
                           Function<String, T> parser, String doc) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.parser = parser;
        this.doc = doc;
    }

    public String name() {
        return name;
    }

    /** A short description of the accepted values, for documentation: "number > 0", "one of sgd, adam, …". */
    public String type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String defaultText() {
        return defaultText;
    }

    public String doc() {
        return doc;
    }

    /**
     * @throws IllegalArgumentException whose message says what is accepted, e.g. "must be a number > 0"
     */
    public T parse(String text) {
        return parser.apply(text.strip());
    }

    // ---------------------------------------------------------------- kinds of settings

    static LearnerSetting<Double> number(String name, double defaultValue, double min, boolean minInclusive,
                                         double max, String doc) {
        final String range = range(min, minInclusive, max);
        return new LearnerSetting<>(name, "number " + range, defaultValue, format(defaultValue), text -> {
            final double v;
            try {
                v = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a number " + range + ", got '" + text + "'");
            }
            if (!Double.isFinite(v) || (minInclusive ? v < min : v <= min) || v > max) {
                throw new IllegalArgumentException("must be a number " + range + ", got " + text);
            }
            return v;
        }, doc);
    }

    static LearnerSetting<Double> optionalNumber(String name, double min, String doc) {
        return new LearnerSetting<>(name, "number > " + format(min) + ", or unset", Double.NaN, "", text -> {
            final double v;
            try {
                v = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a number > " + format(min) + ", got '" + text + "'");
            }
            if (!Double.isFinite(v) || v <= min) {
                throw new IllegalArgumentException("must be a number > " + format(min) + ", got " + text);
            }
            return v;
        }, doc);
    }

    static LearnerSetting<Long> integer(String name, long defaultValue, long min, String doc) {
        return new LearnerSetting<>(name, "integer ≥ " + min, defaultValue, Long.toString(defaultValue), text -> {
            final long v;
            try {
                v = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be an integer ≥ " + min + ", got '" + text + "'");
            }
            if (v < min) {
                throw new IllegalArgumentException("must be an integer ≥ " + min + ", got " + text);
            }
            return v;
        }, doc);
    }

    static LearnerSetting<Boolean> flag(String name, boolean defaultValue, String doc) {
        return new LearnerSetting<>(name, "true or false", defaultValue, Boolean.toString(defaultValue), text -> {
            switch (text.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1":
                    return true;
                case "false", "no", "off", "0":
                    return false;
                default:
                    throw new IllegalArgumentException("must be true or false, got '" + text + "'");
            }
        }, doc);
    }

    static <E extends Enum<E>> LearnerSetting<E> choice(String name, E defaultValue, Class<E> type, String doc) {
        final List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(LearnerSetting::lower).toList();
        return new LearnerSetting<>(name, "one of " + String.join(", ", names), defaultValue, lower(defaultValue), text -> {
            for (E constant : type.getEnumConstants()) {
                if (lower(constant).equals(text.toLowerCase(Locale.ROOT))) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("must be one of " + String.join(", ", names) + ", got '" + text + "'");
        }, doc);
    }

    /** A list of numbers separated by {@code ;} (commas separate settings on the command line). */
    static LearnerSetting<double[]> numbers(String name, String doc) {
        return new LearnerSetting<>(name, "numbers separated by ;", new double[0], "", text -> {
            if (text.isEmpty()) {
                return new double[0];
            }
            final String[] parts = text.split(";");
            final double[] values = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    values[i] = Double.parseDouble(parts[i].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("must be numbers separated by ';', got '" + parts[i].strip() + "'");
                }
                if (!Double.isFinite(values[i])) {
                    throw new IllegalArgumentException("must be finite numbers, got " + parts[i].strip());
                }
            }
            return values;
        }, doc);
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String range(double min, boolean minInclusive, double max) {
        final String low = (minInclusive ? "≥ " : "> ") + format(min);
        return max == Double.POSITIVE_INFINITY ? low : "in " + (minInclusive ? "[" : "(") + format(min) + ", " + format(max) + "]";
    }

    /** Numbers as a person writes them: 1000, 0.999, 1e-8. */
    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        final double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e7) {
            return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        }
        return Double.toString(v).replace("E", "e").replace(".0e", "e");
    }
}
