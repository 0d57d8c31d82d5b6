package dev.tern.smtp.client;

import dev.tern.smtp.Reply;

/**
 * The replies the client makes up itself, for outcomes no server reply explains. The code and enhanced
 * status say temporary or permanent; the text goes into logs and DSNs, so it is plain and generic.
 */
public final class ClientReplies {
    private ClientReplies() {}

    // RFC 3463 X.4.2 bad connection; RFC 5321 §6.1: the message may or may not have arrived, so try again.
    public static final Reply CONNECTION_LOST = Reply.of(451, "4.4.2", "Lost connection with the server");
    // RFC 3463 X.5.0 other protocol status.
    public static final Reply MALFORMED_REPLY = Reply.of(451, "4.5.0", "Malformed reply from the server");
    public static final Reply UNEXPECTED_REPLY = Reply.of(451, "4.5.0", "Unexpected reply from the server");
    // RFC 3463 X.7.4 security features not supported (Postfix: "TLS is required, but was not offered").
    public static final Reply TLS_NOT_OFFERED = Reply.of(451, "4.7.4", "TLS is required, but was not offered by the server");
    // RFC 3463 X.7.5 cryptographic failure.
    public static final Reply TLS_FAILED = Reply.of(451, "4.7.5", "TLS handshake with the server failed");
    public static final Reply AUTH_NOT_OFFERED = Reply.of(451, "4.7.4", "Authentication is configured, but the server does not offer AUTH PLAIN");
    // RFC 4954 §4 and RFC 5248: X.7.10 encryption needed; a password never crosses a plaintext connection.
    public static final Reply AUTH_NEEDS_TLS = Reply.of(451, "4.7.10", "Not sending credentials without TLS");

    // Preconditions checked before MAIL: permanent, the next attempt would fail alike.
    // RFC 6531 §3.2: an SMTPUTF8 message to a server without SMTPUTF8 is not sent.
    public static final Reply SMTPUTF8_NOT_OFFERED = Reply.of(554, "5.6.7", "SMTPUTF8 is required, but was not offered by the server");
    // RFC 8689 §5, §7.3: X.7.30 "REQUIRETLS support required".
    public static final Reply REQUIRETLS_NOT_OFFERED = Reply.of(550, "5.7.30", "REQUIRETLS support required, but the server does not offer it");
    // RFC 1870 §6.2 (the client's side of a fixed maximum): X.3.4 message too big for system.
    public static final Reply TOO_BIG = Reply.of(552, "5.3.4", "Message size exceeds the server's fixed maximum");
    // RFC 6152 §3: no 8-bit data without 8BITMIME; RFC 3463 X.6.3 conversion required but not supported.
    public static final Reply EIGHT_BIT_NOT_OFFERED = Reply.of(554, "5.6.3", "8-bit message, but the server does not offer 8BITMIME");
    // RFC 5321 §4.5.3.1.6, RFC 5322 §2.1.1; see DotEncoder.
    public static final Reply LINE_TOO_LONG = Reply.of(554, "5.6.0", "Message has a line longer than 998 octets");
}
