package dev.tern.app.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One YAML mapping of the config file, read key by key. Every key read is taken out; whatever is left at
 * {@link #rejectUnknown()} is an unknown key, so a misspelt key is an error and never silently ignored.
 *
 * <p>A value that cannot be converted adds a {@link ConfigError} under its dotted key and yields the fallback,
 * so one pass reports every mistake. A key given as {@code null} (or with no value) counts as absent.
 */
final class Section {
    private final String path;
    private final List<ConfigError> errors;
    private final Map<String, Node> entries = new LinkedHashMap<>();

    private Section(String path, List<ConfigError> errors) {
        this.path = path;
        this.errors = errors;
    }

    /**
     * @param path   dotted key of this mapping; empty for the document itself
     * @param node   the mapping, or empty when the key is absent (then the section is empty)
     * @param errors where mistakes go
     */
    static Section of(String path, Optional<Node> node, List<ConfigError> errors) {
        Section section = new Section(path, errors);
        if (node.isEmpty() || isNull(node.get())) return section;
        if (!(node.get() instanceof MappingNode mapping)) {
            errors.add(new ConfigError(path, "expected a mapping of keys to values"));
            return section;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key) || !key.getTag().equals(Tag.STR)) {
                errors.add(new ConfigError(path, "every key must be a plain string"));
            } else if (section.entries.putIfAbsent(key.getValue(), tuple.getValueNode()) != null) {
                errors.add(new ConfigError(section.keyOf(key.getValue()), "duplicate key"));
            }
        }
        return section;
    }

    /** The dotted key of {@code key} inside this section. */
    String keyOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Takes {@code key} out of the section; empty when absent or null. */
    Optional<Node> take(String key) {
        Node node = entries.remove(key);
        return node == null || isNull(node) ? Optional.empty() : Optional.of(node);
    }

    /** Takes every remaining entry, for mappings whose keys are data (aliases, lists), in file order. */
    Map<String, Node> takeAll() {
        Map<String, Node> all = new LinkedHashMap<>(entries);
        entries.clear();
        return all;
    }

    /** The nested mapping under {@code key}; empty when absent. */
    Section section(String key) {
        return of(keyOf(key), take(key), errors);
    }

    /**
     * Applies the value of {@code key}, when given, to {@code settings} with one of its {@code withX} copies.
     * The copy validates as the record's constructor does; a refusal is reported under {@code key}, whatever
     * its message says, and {@code settings} is kept.
     */
    <S, T> S with(String key, Function<Node, T> conversion, S settings, BiFunction<S, T, S> withX) {
        return apply(key, get(key, conversion, null), settings, withX);
    }

    /** As {@link #with}, for a list under {@code key}; each bad element is reported as {@code key[i]}. */
    <S, T> S withList(String key, Function<Node, T> element, S settings, BiFunction<S, List<T>, S> withX) {
        return apply(key, list(key, element, null), settings, withX);
    }

    private <S, T> S apply(String key, T value, S settings, BiFunction<S, T, S> withX) {
        if (value == null) return settings; // absent, or not converted (reported already)
        try {
            return withX.apply(settings, value);
        } catch (IllegalArgumentException e) {
            error(keyOf(key), e.getMessage());
            return settings;
        }
    }

    <T> T get(String key, Function<Node, T> conversion, T fallback) {
        return take(key).map(node -> convert(keyOf(key), node, conversion, fallback)).orElse(fallback);
    }

    /** A list under {@code key}; each bad element is reported as {@code key[i]}. */
    <T> List<T> list(String key, Function<Node, T> element, List<T> fallback) {
        return take(key).map(node -> listOf(keyOf(key), node, element, fallback)).orElse(fallback);
    }

    /** A list at the dotted key {@code at}; a single scalar is taken as a list of one. */
    <T> List<T> listOf(String at, Node node, Function<Node, T> element, List<T> fallback) {
        List<Node> items = node instanceof SequenceNode seq ? seq.getValue()
                : node instanceof ScalarNode ? List.of(node) : null;
        if (items == null) {
            error(at, "expected a list");
            return fallback;
        }
        List<T> values = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String itemKey = node instanceof SequenceNode ? at + "[" + i + "]" : at;
            T value = convert(itemKey, items.get(i), element, null);
            if (value != null) values.add(value);
        }
        return values.size() == items.size() ? values : fallback;
    }

    <T> T convert(String at, Node node, Function<Node, T> conversion, T fallback) {
        try {
            return conversion.apply(node);
        } catch (IllegalArgumentException e) {
            error(at, e.getMessage());
            return fallback;
        }
    }

    void error(String at, String reason) {
        errors.add(new ConfigError(at, reason));
    }

    /** Reports every key not taken as unknown. */
    void rejectUnknown() {
        for (String key : entries.keySet()) errors.add(new ConfigError(keyOf(key), "unknown key"));
        entries.clear();
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }
}
