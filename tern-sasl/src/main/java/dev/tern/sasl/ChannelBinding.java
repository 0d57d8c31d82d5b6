package dev.tern.sasl;

import java.util.Arrays;

/**
 * What the TLS layer under a session offers for SASL channel binding (RFC 5802 §6): nothing, or the
 * {@code tls-exporter} value of RFC 9266 (the TLS 1.3 exporter with label {@code "EXPORTER-Channel-Binding"}, no
 * context, 32 octets). The connection computes it after the handshake; tern-smtp only compares octets.
 */
public sealed interface ChannelBinding {
    /** Plaintext, or TLS without a usable exporter (TLS 1.2): SCRAM-SHA-256-PLUS is not offered. */
    ChannelBinding NONE = new None();

    record None() implements ChannelBinding {}

    /** RFC 9266 §2: the exporter output, a copy of what the caller passed in. */
    record TlsExporter(byte[] octets) implements ChannelBinding {
        public TlsExporter {
            if (octets == null || octets.length == 0) throw new IllegalArgumentException("tls-exporter octets are required");
            octets = octets.clone();
        }

        @Override
        public byte[] octets() {
            return octets.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof TlsExporter(byte[] them) && Arrays.equals(octets, them);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(octets);
        }

        @Override
        public String toString() {
            return "TlsExporter[" + octets.length + " octets]";
        }
    }
}
