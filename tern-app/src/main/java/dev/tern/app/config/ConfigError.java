package dev.tern.app.config;

import java.util.Objects;

/**
 * One mistake in a config file.
 *
 * @param key    where: a dotted path such as {@code smtp.listen[1]} or {@code aliases.info@example.com[0]};
 *               empty when the mistake is in the file as a whole (YAML syntax, size, an unreadable file)
 * @param reason what is wrong, in words a person editing the file understands; never a stack trace
 */
public record ConfigError(String key, String reason) {
    public ConfigError {
        Objects.requireNonNull(key, "key");
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("reason is required");
    }

    /** {@code key: reason}, or just the reason when the error concerns the whole file. */
    @Override
    public String toString() {
        return key.isEmpty() ? reason : key + ": " + reason;
    }
}
