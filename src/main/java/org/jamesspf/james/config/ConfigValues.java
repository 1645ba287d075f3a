package org.jamesspf.james.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.jamesspf.spf.Ascii;

/**
 * Reads values of the handler's XML configuration; a bad value is a {@link ConfigurationException}
 * naming the element ({@code <checks><threads>: must be at least 1, got 0}), which stops James at
 * start-up.
 */
final class ConfigValues {
    private ConfigValues() {
    }

    /** {@code actions.mailfrom.fail} as {@code <actions><mailfrom><fail>}. */
    static String describe(String path) {
        StringBuilder sb = new StringBuilder();
        for (String part : path.split("\\.")) {
            sb.append('<').append(part).append('>');
        }
        return sb.toString();
    }

    static ConfigurationException error(String path, String message) {
        return new ConfigurationException(describe(path) + ": " + message);
    }

    

    static String string(HierarchicalConfiguration<ImmutableNode> c, String key, String defaultValue) {
        String value = c.getString(key, null);
        return value == null ? defaultValue : value.trim();
    }

    static boolean bool(HierarchicalConfiguration<ImmutableNode> c, String key, boolean defaultValue) throws ConfigurationException {
        String value = string(c, key, null);
        if (value == null) {
            return defaultValue;
        }
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
                return true;
            case "false":
            case "no":
                return false;
            default:
                throw error(key, "'" + value + "' is not a boolean (true|false)");
        }
    }

    static <E extends Enum<E>> E enumValue(HierarchicalConfiguration<ImmutableNode> c, String key, Class<E> type, E defaultValue)
        throws ConfigurationException {
        String value = string(c, key, null);
        if (value == null) {
            return defaultValue;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw error(key, "unknown value '" + value + "' (" + String.join("|", names) + ")");
    }

    static int positiveInt(HierarchicalConfiguration<ImmutableNode> c, String key, int defaultValue) throws ConfigurationException {
        int value = integer(c, key, defaultValue);
        if (value < 1) {
            throw error(key, "must be at least 1, got " + value);
        }
        return value;
    }

    static int boundedInt(HierarchicalConfiguration<ImmutableNode> c, String key, int defaultValue, int max)
        throws ConfigurationException {
        int value = positiveInt(c, key, defaultValue);
        if (value > max) {
            throw error(key, "must be at most " + max + ", got " + value);
        }
        return value;
    }

    static int nonNegativeInt(HierarchicalConfiguration<ImmutableNode> c, String key, int defaultValue) throws ConfigurationException {
        int value = integer(c, key, defaultValue);
        if (value < 0) {
            throw error(key, "must not be negative, got " + value);
        }
        return value;
    }

    static int integer(HierarchicalConfiguration<ImmutableNode> c, String key, int defaultValue) throws ConfigurationException {
        String value = string(c, key, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw error(key, "'" + value + "' is not an integer");
        }
    }

    /** Comma-separated values, also accepted as repeated elements. */
    static List<String> list(HierarchicalConfiguration<ImmutableNode> c, String key) {
        List<String> result = new ArrayList<>();
        for (Object item : c.getList(key, List.of())) {
            for (String part : String.valueOf(item).split(",")) {
                String trimmed = part.trim();
                if (!trimmed.isEmpty()) {
                    result.add(trimmed);
                }
            }
        }
        return result;
    }

    static List<String> lowerCase(List<String> values) {
        List<String> result = new ArrayList<>(values.size());
        for (String v : values) {
            result.add(Ascii.toLowerCase(v));
        }
        return result;
    }
}
