package dev.tern.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * An Argon2id password hash (RFC 9106), held as its parts and written in the PHC string format:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (base64 without padding). {@link #parse(String)} reads
 * only what {@link #toString()} writes, plus other costs and lengths within sane bounds, so a hand-edited file
 * cannot ask for gigabytes of memory.
 *
 * <p>The password is hashed as the UTF-8 octets of {@link Passwords#prepare(String)}, so the same text typed
 * in a different Unicode form still matches.
 */
public record PasswordHash(Cost cost, byte[] salt, byte[] hash) {
    /** 16 octets of salt (RFC 9106 §3.1 recommends 128 bits), a 32-octet tag. */
    public static final int SALT_LENGTH = 16;
    public static final int HASH_LENGTH = 32;

    // PHC allows several encodings; Tern writes and reads exactly one: canonical decimal, this order, no padding.
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(0|[1-9]\\d{0,9}),t=(0|[1-9]\\d{0,9}),p=(0|[1-9]\\d{0,9})"
                    + "\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");

    /**
     * Argon2id costs: memory in KiB, passes, lanes.
     *
     * <p>{@link #DEFAULT} is the OWASP password-storage recommendation (m=19 MiB, t=2, p=1): about 35 ms per
     * check on one core (2-core dev machine, BC 1.87, JDK 25), so a small server still answers a burst of
     * logins, while an attacker with the file pays 19 MiB of memory per guess.
     */
    public record Cost(int memoryKiB, int iterations, int parallelism) {
        public static final Cost DEFAULT = new Cost(19_456, 2, 1);
        // Upper bounds for files written elsewhere: 1 GiB, 64 passes, 16 lanes.
        static final int MAX_MEMORY_KIB = 1 << 20;

        public Cost {
            if (parallelism < 1 || parallelism > 16) throw new IllegalArgumentException("parallelism 1 to 16");
            // RFC 9106 §3.1: m >= 8p.
            if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
                throw new IllegalArgumentException("memory from 8*p KiB to 1 GiB");
            }
            if (iterations < 1 || iterations > 64) throw new IllegalArgumentException("iterations 1 to 64");
        }
    }

    public PasswordHash {
        if (cost == null) throw new IllegalArgumentException("no cost");
        // RFC 9106 §3.1: salt of at least 8 octets; tags shorter than 16 octets are too easy to collide.
        if (salt == null || salt.length < 8 || salt.length > 64) throw new IllegalArgumentException("salt of 8 to 64 octets");
        if (hash == null || hash.length < 16 || hash.length > 64) throw new IllegalArgumentException("hash of 16 to 64 octets");
        salt = salt.clone();
        hash = hash.clone();
    }

    /** Hashes {@code password} with a fresh random salt. */
    public static PasswordHash create(String password, Cost cost, SecureRandom random) {
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        return new PasswordHash(cost, salt, argon2id(Passwords.prepare(password), cost, salt, HASH_LENGTH));
    }

    /**
     * Reads a PHC string.
     *
     * @throws IllegalArgumentException when the text is not an Argon2id v19 PHC string within the bounds above
     */
    public static PasswordHash parse(String text) {
        Matcher m = PHC.matcher(text);
        if (!m.matches()) throw new IllegalArgumentException("not an $argon2id$v=19$ PHC string");
        try {
            Cost cost = new Cost(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            return new PasswordHash(cost, Base64.getDecoder().decode(m.group(4)), Base64.getDecoder().decode(m.group(5)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cost out of range");
        }
    }

    /** Whether {@code password} hashes to this value; the comparison takes the same time wherever they differ. */
    public boolean matches(String password) {
        byte[] computed = argon2id(Passwords.prepare(password), cost, salt, hash.length);
        return MessageDigest.isEqual(computed, hash);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** The PHC string, the form kept in the accounts file. */
    @Override
    public String toString() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + cost.memoryKiB() + ",t=" + cost.iterations() + ",p=" + cost.parallelism()
                + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PasswordHash h && cost.equals(h.cost) && Arrays.equals(salt, h.salt)
                && Arrays.equals(hash, h.hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    /** Raw Argon2id (version 0x13) over the UTF-8 octets of {@code password}; package-private for the vectors. */
    static byte[] argon2id(String password, Cost cost, byte[] salt, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(cost.memoryKiB())
                .withIterations(cost.iterations())
                .withParallelism(cost.parallelism())
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[length];
        byte[] octets = password.getBytes(StandardCharsets.UTF_8);
        generator.generateBytes(octets, out);
        Arrays.fill(octets, (byte) 0);
        return out;
    }
}
