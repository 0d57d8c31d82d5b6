package dev.tern.delivery;

/**
 * What a destination's TLS policy asks of its connections (issue 7; Postfix's {@code smtp_tls_policy_maps}
 * levels {@code may}, {@code encrypt}, {@code secure}).
 */
public enum TlsRequirement {
    /** STARTTLS when offered, any certificate; a failed handshake is retried in plaintext. */
    OPPORTUNISTIC,
    /** Never without TLS, any certificate (a passive listener learns nothing; an active one still could). */
    REQUIRED,
    /**
     * Never without TLS, and the certificate must chain to a trusted root (the JDK's trust store) and name the
     * host connected to (the MX name, RFC 6125 / RFC 7817 §3.2); otherwise the mail waits (4.7.5).
     */
    VERIFIED;

    public static TlsRequirement parse(String text) {
        return switch (text) {
            case "opportunistic" -> OPPORTUNISTIC;
            case "required" -> REQUIRED;
            case "verified" -> VERIFIED;
            default -> throw new IllegalArgumentException("expected opportunistic, required or verified");
        };
    }
}
