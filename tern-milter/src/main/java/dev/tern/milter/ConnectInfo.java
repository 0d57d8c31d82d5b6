package dev.tern.milter;

import java.util.Map;
import java.util.Objects;

/**
 * What {@code SMFIC_CONNECT} tells the filter about the SMTP client, and the connection macros sent with it
 * ({@code j}, {@code {daemon_name}}, {@code _}, {@code {client_addr}}, {@code {client_name}}, ...).
 *
 * @param hostname the client's verified host name, or its address in brackets ({@code [192.0.2.1]}) when it has none
 * @param family the address family
 * @param address the IP address text (or socket path for {@link Family#UNIX}); empty for {@link Family#UNKNOWN}
 * @param port the client's port (0 when not applicable)
 * @param macros connection-stage macros, sent in {@code SMFIC_MACRO} before {@code SMFIC_CONNECT}
 */
public record ConnectInfo(String hostname, Family family, String address, int port, Map<String, String> macros) {
    /** The family byte of {@code SMFIC_CONNECT}. */
    public enum Family {
        INET4('4'), INET6('6'), UNIX('L'), UNKNOWN('U');

        final char code;

        Family(char code) {
            this.code = code;
        }
    }

    public ConnectInfo {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        macros = Map.copyOf(macros);
    }
}
