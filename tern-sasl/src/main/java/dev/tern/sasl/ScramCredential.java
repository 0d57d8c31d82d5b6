package dev.tern.sasl;

import java.util.Arrays;

/**
 * The server's stored keys for one SCRAM account (RFC 5802 §3): {@code StoredKey = H(ClientKey)} and
 * {@code ServerKey}, derived from the password with PBKDF2 over {@code salt} and {@code iterations}.
 */
public record ScramCredential(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
    public ScramCredential {
        if (salt == null || salt.length < 16) throw new IllegalArgumentException("salt of at least 16 octets");
        // RFC 7677 §4: at least 4096 iterations.
        if (iterations < 4096) throw new IllegalArgumentException("at least 4096 iterations (RFC 7677 §4)");
        if (storedKey == null || storedKey.length != 32 || serverKey == null || serverKey.length != 32) {
            throw new IllegalArgumentException("SHA-256 keys are 32 octets");
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ScramCredential c && iterations == c.iterations && Arrays.equals(salt, c.salt)
                && Arrays.equals(storedKey, c.storedKey) && Arrays.equals(serverKey, c.serverKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(storedKey);
    }

    @Override
    public String toString() {
        return "ScramCredential[iterations=" + iterations + ", keys redacted]";
    }
}
