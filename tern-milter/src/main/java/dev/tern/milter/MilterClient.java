package dev.tern.milter;

import java.util.Objects;

/**
 * A configured filter. Holds no connection: each SMTP connection opens its own {@link MilterSession}, as Postfix's
 * smtpd does, and closes it when the SMTP connection ends. Thread-safe (immutable).
 */
public final class MilterClient {
    private final MilterSettings settings;

    public MilterClient(MilterSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public MilterSettings settings() {
        return settings;
    }

    /** Connects and negotiates; never throws: a filter that is down gives a session that answers the default. */
    public MilterSession open(ConnectInfo info) {
        return open(info, "-");
    }

    /** As {@link #open(ConnectInfo)}, with the SMTP session's id on every log line. */
    public MilterSession open(ConnectInfo info, String logId) {
        return MilterSession.open(settings, Objects.requireNonNull(info, "info"), Objects.requireNonNull(logId, "logId"));
    }
}
