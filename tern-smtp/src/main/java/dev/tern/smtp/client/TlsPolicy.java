package dev.tern.smtp.client;

/** When the client asks for STARTTLS (RFC 3207). Certificate verification is the handshake's business. */
public enum TlsPolicy {
    /** Never: for a retry in plaintext after a failed opportunistic handshake, as Postfix does. */
    DISABLED,
    /** When offered; without it, or when the server refuses STARTTLS, go on in plaintext (RFC 3207 §4.1). */
    OPPORTUNISTIC,
    /** Always: a server that does not offer or refuses STARTTLS gets no mail (4.7.4, temporary). */
    REQUIRED
}
