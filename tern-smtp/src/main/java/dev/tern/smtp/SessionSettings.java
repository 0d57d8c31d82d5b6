package dev.tern.smtp;


/**
 * What one SMTP session may accept. Immutable; {@link #defaults()} are the built-in defaults.
 *
 * @param hostname          the name the server gives itself in the greeting, EHLO and Received:
 * @param maxMessageSize    octets, advertised with SIZE (RFC 1870) and enforced while reading
 * @param maxRecipients     per message (RFC 5321 §4.5.3.1.8: at least 100)
 * @param maxMessages       transactions per session
 * @param maxErrors         error replies per session before 421 and close
 * @param maxReceivedHeaders hop limit: more Received: headers than this is a loop (554 5.4.6)
 * @param vrfyEnabled       VRFY answers from the directory; otherwise 252
 * @param expnEnabled       EXPN lists members; otherwise 502
 */
public record SessionSettings(String hostname, long maxMessageSize, int maxRecipients, int maxMessages,
                              int maxErrors, int maxReceivedHeaders, boolean vrfyEnabled, boolean expnEnabled) {
    public SessionSettings {
        if (hostname == null || hostname.isBlank()) throw new IllegalArgumentException("hostname is required");
        if (maxMessageSize < 1024) throw new IllegalArgumentException("maxMessageSize must be at least 1024");
        if (maxRecipients < 100) throw new IllegalArgumentException("maxRecipients must be at least 100 (RFC 5321 §4.5.3.1.8)");
        if (maxMessages < 1 || maxErrors < 1 || maxReceivedHeaders < 1) throw new IllegalArgumentException("limits must be positive");
    }

    public static SessionSettings defaults() {
        return new SessionSettings("localhost", 32L * 1024 * 1024, 100, 100, 10, 50, false, false);
    }

    public SessionSettings withHostname(String name) {
        return new SessionSettings(name, maxMessageSize, maxRecipients, maxMessages, maxErrors, maxReceivedHeaders,
                vrfyEnabled, expnEnabled);
    }

}
