package dev.tern.app.config;

import dev.tern.app.TernConfig;
import dev.tern.readers.ImapServerSettings;
import dev.tern.readers.Pop3Settings;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The readers' keys (docs/config.md): {@code imap.listen} (STARTTLS), {@code imap.max_sessions_per_user},
 * {@code imap.max_connections}, {@code pop3.max_connections},
 * {@code imaps.listen} (implicit TLS), {@code pop3.listen} (STLS) and {@code pop3s.listen}. An empty list turns a
 * listener off. Plaintext login on loopback follows {@code auth.plaintext_on_loopback}, as SMTP's AUTH does.
 */
final class ReaderSchema {
    private ReaderSchema() {}

    record Readers(ImapServerSettings imap, Pop3Settings pop3) {}

    static Readers read(Section imap, Section imaps, Section pop3, Section pop3s, boolean plaintextOnLoopback,
                        List<InetSocketAddress> smtpAddresses, List<ConfigError> errors) {
        TernConfig defaults = TernConfig.defaults();
        ImapServerSettings i = defaults.imap().withPlaintextOnLoopback(plaintextOnLoopback);
        i = imap.withList("listen", ConfigValues::listenAddress, i, (s, v) -> s.withListen(v, s.listenTls()));
        i = imap.with("max_sessions_per_user", n -> ConfigValues.integer(n, 1), i, ImapServerSettings::withMaxPerUser);
        i = imap.with("max_connections", n -> ConfigValues.integer(n, 1), i, ImapServerSettings::withMaxConnections);
        imap.rejectUnknown();
        i = imaps.withList("listen", ConfigValues::listenAddress, i, (s, v) -> s.withListen(s.listen(), v));
        imaps.rejectUnknown();
        Pop3Settings p = defaults.pop3().withPlaintextOnLoopback(plaintextOnLoopback);
        p = pop3.withList("listen", ConfigValues::listenAddress, p, Pop3Settings::withListen);
        p = pop3.with("max_connections", n -> ConfigValues.integer(n, 1), p, Pop3Settings::withMaxConnections);
        pop3.rejectUnknown();
        p = pop3s.withList("listen", ConfigValues::listenAddress, p, Pop3Settings::withListenTls);
        pop3s.rejectUnknown();

        // SMTP's own addresses were checked against each other already; each reader address must be new.
        Set<InetSocketAddress> taken = new HashSet<>(smtpAddresses);
        List<InetSocketAddress> readers = new ArrayList<>(i.listen());
        readers.addAll(i.listenTls());
        readers.addAll(p.listen());
        readers.addAll(p.listenTls());
        if (!readers.stream().allMatch(taken::add)) {
            errors.add(new ConfigError(imap.keyOf("listen"), "an address is used by more than one listener"));
        }
        return new Readers(i, p);
    }
}
