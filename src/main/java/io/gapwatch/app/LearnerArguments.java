package io.gapwatch.app;

import io.gapwatch.engine.sgd.LearnerConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads {@code --learner NAME:key=value,…} arguments into learner configs. */
final class LearnerArguments {

    /** Learner names appear in metric tags and JSON keys: keep them to safe characters. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** Not a learner's name: what a user who means "no learners" writes. */
    static final String NONE = "none";

    private LearnerArguments() {
    }

    /**
     * @param arguments each "NAME:key=value,…" or just "NAME" (all defaults); empty for the default set
     * @param inherited settings every learner takes unless it sets them itself (the model's intercept)
     * @throws IllegalArgumentException naming the argument and what is wrong with it
     */
    static Map<String, LearnerConfig> parse(List<String> arguments, Map<String, String> inherited) {
        if (arguments == null || arguments.isEmpty()) {
            return LearnerConfig.defaultSet(inherited);
        }
        final Map<String, LearnerConfig> learners = new LinkedHashMap<>();
        for (String argument : arguments) {
            final int colon = argument.indexOf(':');
            final String name = (colon < 0 ? argument : argument.substring(0, colon)).strip();
            final String settings = colon < 0 ? "" : argument.substring(colon + 1);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("--learner '" + argument + "': the name must be 1–64 letters, digits, '_', '.' or '-'");
            }
            if (name.equalsIgnoreCase(NONE)) {
                throw new IllegalArgumentException("--learner '" + argument + "': 'none' is not a learner name; for the exact fit alone use --no-learners");
            }
            if (learners.containsKey(name)) {
                throw new IllegalArgumentException("--learner '" + argument + "': a learner named '" + name + "' is already defined");
            }
            try {
                learners.put(name, LearnerConfig.parse(LearnerConfig.withInherited(LearnerConfig.splitPairs(settings), inherited)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--learner '" + argument + "': " + e.getMessage(), e);
            }
        }
        return learners;
    }
}
