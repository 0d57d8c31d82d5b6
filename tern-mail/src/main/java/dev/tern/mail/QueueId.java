package dev.tern.mail;

import java.util.regex.Pattern;

/**
 * The spool's name for one accepted message: short, unique per spool, safe in file names and log lines
 * (letters and digits only).
 */
public record QueueId(String value) {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9]{1,64}");

    public QueueId {
        if (value == null || !SAFE.matcher(value).matches()) throw new IllegalArgumentException("invalid queue id");
    }

    @Override
    public String toString() {
        return value;
    }
}
