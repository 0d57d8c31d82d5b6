package dev.tern.app;

import dev.tern.delivery.DeliverySettings;
import dev.tern.directory.DirectorySettings;
import dev.tern.server.ServerSettings;
import dev.tern.smtp.SessionSettings;
import dev.tern.spool.SpoolSettings;
import java.nio.file.Path;

/**
 * A whole configuration: each module's own settings record, read from the config file or the defaults.
 *
 * @param dataDirectory where the spool ({@code spool/}) and the mailboxes ({@code mail/}) live
 */
public record TernConfig(Path dataDirectory, ServerSettings server, SessionSettings session,
                         DirectorySettings directory, SpoolSettings spool, DeliverySettings delivery) {
    /** The built-in defaults of {@code ./tern run}: domain localhost, 127.0.0.1:2525, data under ./data. */
    public static TernConfig defaults() {
        return new TernConfig(Path.of("data"), ServerSettings.defaults(), SessionSettings.defaults(),
                DirectorySettings.defaults(), SpoolSettings.defaults(), DeliverySettings.defaults());
    }
}
