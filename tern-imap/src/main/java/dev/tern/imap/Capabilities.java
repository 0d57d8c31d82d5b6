package dev.tern.imap;

import dev.tern.sasl.ChannelBinding;
import java.util.ArrayList;
import java.util.List;

/** What CAPABILITY lists (RFC 9051 §6.1.1, §7.2.2), by state and connection. */
final class Capabilities {
    private Capabilities() {}

    private static final List<String> COMMON = List.of("IMAP4rev2", "IMAP4rev1", "LITERAL+", "ENABLE", "IDLE",
            "NAMESPACE", "ID", "UIDPLUS", "MOVE", "UNSELECT", "CHILDREN", "LIST-EXTENDED", "LIST-STATUS",
            "SPECIAL-USE", "STATUS=SIZE", "ESEARCH", "CONDSTORE", "QRESYNC", "BINARY", "UTF8=ACCEPT");

    static List<String> of(boolean authenticated, ImapSecurity security) {
        List<String> caps = new ArrayList<>(COMMON);
        if (authenticated) return caps;
        if (security.startTlsOffered() && !security.tls()) caps.add("STARTTLS");
        if (!security.loginAllowed()) {
            // RFC 9051 §6.2.3, §11.1: no password in the clear; SASL waits for TLS too.
            caps.add("LOGINDISABLED");
            return caps;
        }
        caps.add("SASL-IR");
        caps.add("AUTH=PLAIN");
        caps.add("AUTH=SCRAM-SHA-256");
        if (security.binding() instanceof ChannelBinding.TlsExporter) caps.add("AUTH=SCRAM-SHA-256-PLUS");
        return caps;
    }
}
