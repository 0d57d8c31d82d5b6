package dev.tern.smtp;


/**
 * What one SMTP session may accept. Immutable; {@link #defaults()} are the built-in defaults.
 *
 * @param hostname          the name the server gives itself in the greeting, EHLO and Received:
 * @param maxMessageSize    octets, advertised with SIZE (RFC 1870) and enforced while reading
 * @param maxRecipients     per message (RFC 5321 §4.5.3.1.8: at least 100)
 * @param maxMessages       transactions per session; the MAIL after them gets {@code 451 4.7.0} (reconnect)
 * @param maxErrors         error replies per session before 421 and close
 * @param maxReceivedHeaders hop limit: more Received: headers than this is a loop (554 5.4.6)
 * @param vrfyEnabled       VRFY answers from the directory; otherwise 252
 * @param expnEnabled       EXPN lists members; otherwise 502
 * @param maxTextLine       octets in a line of message content including CRLF (RFC 5321 §4.5.3.1.6: 1000),
 *                          in DATA and BDAT alike
 */
public record SessionSettings(String hostname, long maxMessageSize, int maxRecipients, int maxMessages,
                              int maxErrors, int maxReceivedHeaders, boolean vrfyEnabled, boolean expnEnabled,
                              int maxTextLine) {
    /**
     * Default transactions per session: Postfix has no such limit and Exim allows 1,000; a relay that caches
     * connections (Postfix's smtp client) may send thousands over one, so the bound is only against MAIL/RSET
     * loops, well above any legitimate use.
     */
    public static final int DEFAULT_MAX_MESSAGES = 10_000;

    public SessionSettings {
        if (hostname == null || hostname.isBlank()) throw new IllegalArgumentException("hostname is required");
        if (maxMessageSize < 1024) throw new IllegalArgumentException("maxMessageSize must be at least 1024");
        if (maxRecipients < 100) throw new IllegalArgumentException("maxRecipients must be at least 100 (RFC 5321 §4.5.3.1.8)");
        if (maxMessages < 1 || maxErrors < 1 || maxReceivedHeaders < 1) throw new IllegalArgumentException("limits must be positive");
        if (maxTextLine < 1000) throw new IllegalArgumentException("maxTextLine must be at least 1000 (RFC 5321 §4.5.3.1.6)");
    }

    /** As {@link #SessionSettings(String, long, int, int, int, int, boolean, boolean, int)} with 1000-octet lines. */
    public SessionSettings(String hostname, long maxMessageSize, int maxRecipients, int maxMessages, int maxErrors,
                           int maxReceivedHeaders, boolean vrfyEnabled, boolean expnEnabled) {
        this(hostname, maxMessageSize, maxRecipients, maxMessages, maxErrors, maxReceivedHeaders, vrfyEnabled,
                expnEnabled, 1000);
    }

    public static SessionSettings defaults() {
        return new SessionSettings("localhost", 32L * 1024 * 1024, 100, DEFAULT_MAX_MESSAGES, 10, 50, false, false, 1000);
    }

    public SessionSettings withHostname(String name) {
        return new SessionSettings(name, maxMessageSize, maxRecipients, maxMessages, maxErrors, maxReceivedHeaders,
                vrfyEnabled, expnEnabled, maxTextLine);
    }

    public SessionSettings withMaxTextLine(int octets) {
        return new SessionSettings(hostname, maxMessageSize, maxRecipients, maxMessages, maxErrors, maxReceivedHeaders,
                vrfyEnabled, expnEnabled, octets);
    }
}
