package dev.tern.milter;

import java.time.Duration;
import java.util.Objects;

/**
 * One filter, as Postfix configures it: where it listens, how long to wait, and what to do when it is down.
 *
 * @param name a short name for logs (never shown to SMTP clients)
 * @param address where the filter listens
 * @param connectTimeout Postfix's {@code milter_connect_timeout} (30 s there; 10 s here, a local filter answers fast)
 * @param commandTimeout the wait for each reply before end of message, Postfix's {@code milter_command_timeout} (30 s)
 * @param contentTimeout the wait for the end-of-message replies, Postfix's {@code milter_content_timeout} (300 s);
 *     each {@code SMFIR_PROGRESS} starts it again
 * @param defaultAction Postfix's {@code milter_default_action}: what every stage answers once the filter is
 *     unreachable or has failed mid-conversation
 */
public record MilterSettings(String name, MilterAddress address, Duration connectTimeout, Duration commandTimeout,
        Duration contentTimeout, DefaultAction defaultAction) {

    /** What a failed filter's stages answer. */
    public enum DefaultAction {
        /** Every later stage answers {@code 451 4.7.1}: the client retries, nothing passes unfiltered. */
        TEMPFAIL,
        /** The filter is skipped, as if it were not configured. */
        ACCEPT
    }

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONTENT_TIMEOUT = Duration.ofSeconds(300);

    public MilterSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(defaultAction, "defaultAction");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("milter name must not be empty");
        positive(connectTimeout, "connectTimeout");
        positive(commandTimeout, "commandTimeout");
        positive(contentTimeout, "contentTimeout");
    }

    /** The filter at {@code address} (Postfix notation) with Postfix's timeouts and {@code tempfail} when down. */
    public static MilterSettings of(String name, String address) {
        return new MilterSettings(name, MilterAddress.parse(address), DEFAULT_CONNECT_TIMEOUT, DEFAULT_COMMAND_TIMEOUT,
                DEFAULT_CONTENT_TIMEOUT, DefaultAction.TEMPFAIL);
    }

    public MilterSettings withTimeouts(Duration connect, Duration command, Duration content) {
        return new MilterSettings(name, address, connect, command, content, defaultAction);
    }

    public MilterSettings withDefaultAction(DefaultAction action) {
        return new MilterSettings(name, address, connectTimeout, commandTimeout, contentTimeout, action);
    }

    private static void positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive");
    }
}
