package dev.tern.app.config;

import dev.tern.app.TernConfig;
import java.util.List;
import java.util.Objects;

/** What reading a config file gave: a whole configuration, or every mistake found in it. */
public sealed interface ConfigResult {
    /** The file is valid; {@code config} holds each module's settings. */
    record Loaded(TernConfig config) implements ConfigResult {
        public Loaded {
            Objects.requireNonNull(config, "config");
        }
    }

    /** The file is not valid; {@code errors} lists every mistake found, in file order where possible. */
    record Invalid(List<ConfigError> errors) implements ConfigResult {
        public Invalid {
            errors = List.copyOf(errors);
            if (errors.isEmpty()) throw new IllegalArgumentException("an invalid config has at least one error");
        }
    }
}
