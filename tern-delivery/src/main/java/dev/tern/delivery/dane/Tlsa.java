package dev.tern.delivery.dane;

import java.util.HexFormat;

/**
 * One TLSA record (RFC 6698 §2.1): certificate usage, selector, matching type and the association data.
 *
 * @param usage        0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE (RFC 7218 names)
 * @param selector     0 the full certificate, 1 its SubjectPublicKeyInfo
 * @param matchingType 0 exact, 1 SHA-256, 2 SHA-512
 */
public record Tlsa(int usage, int selector, int matchingType, byte[] data) {
    public static final int DANE_TA = 2;
    public static final int DANE_EE = 3;

    public Tlsa {
        if (usage < 0 || usage > 255 || selector < 0 || selector > 255 || matchingType < 0 || matchingType > 255) {
            throw new IllegalArgumentException("TLSA fields are octets");
        }
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /**
     * Usable for SMTP (RFC 7672 §3.1): DANE-TA or DANE-EE, a known selector and matching type. PKIX-TA and PKIX-EE
     * are unusable for SMTP (§3.1.3).
     */
    public boolean usable() {
        return (usage == DANE_TA || usage == DANE_EE) && selector <= 1 && matchingType <= 2;
    }

    /** Presentation form, as a policy string for TLS-RPT: {@code 3 1 1 ab12...}. */
    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tlsa t && t.usage == usage && t.selector == selector && t.matchingType == matchingType
                && java.util.Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return ((usage * 31 + selector) * 31 + matchingType) * 31 + java.util.Arrays.hashCode(data);
    }
}
