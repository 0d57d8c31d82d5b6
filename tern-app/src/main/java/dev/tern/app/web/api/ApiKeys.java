package dev.tern.app.web.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The API keys in {@code <data>/web/apikeys}: one line per key, {@code name TAB sha256-hex TAB rate TAB
 * created-epoch-seconds TAB senders} (senders comma-separated, empty for any). Only the SHA-256 of a secret is
 * kept, so the file leaks no usable key; it is written 0600, atomically and fsynced. A running server re-reads it
 * when its modification time changes, so {@code tern apikey add} takes effect without a restart.
 */
public final class ApiKeys {
    /** Messages per minute a key may submit unless {@code --rate} says otherwise. */
    public static final int DEFAULT_RATE = 600;
    private static final String PREFIX = "tern_";

    /**
     * One key.
     *
     * @param senders addresses ({@code app@example.com}) or domains ({@code @example.com}) the key may send as;
     *                empty for any
     */
    public record Key(String name, byte[] hash, int rate, Instant created, List<String> senders) {
        public Key {
            senders = List.copyOf(senders);
        }

        /** Whether this key may use {@code address} as its sender. */
        public boolean allows(String address) {
            if (senders.isEmpty()) return true;
            String lower = address.toLowerCase(Locale.ROOT);
            int at = lower.lastIndexOf('@');
            String domain = at < 0 ? "" : lower.substring(at);
            for (String s : senders) {
                String allowed = s.toLowerCase(Locale.ROOT);
                if (allowed.startsWith("@") ? allowed.equals(domain) : allowed.equals(lower)) return true;
            }
            return false;
        }
    }

    /** Secrets that matched since the file was last read, at most this many (only matches are kept). */
    private static final int REMEMBERED = 64;

    private final Path file;
    private List<Key> keys = List.of();
    /** The file as last read: a change is seen by any of the three, since a modification time may not move. */
    private Stamp loaded;
    /** Secrets seen to match, with their key: the SHA-256 is made once per secret, not per request. */
    private volatile List<Known> known = List.of();

    private record Known(byte[] secret, Key key) {}

    /**
     * What tells that the file changed. The modification time alone does not: it moves in steps of the kernel's
     * clock tick, so a {@code tern apikey del} in the same tick as the read before it went unseen and the deleted
     * key kept working. The replace writes a new file (another inode), and a deletion changes the size.
     */
    private record Stamp(FileTime modified, long size, Object inode) {
        static Stamp of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey() == null ? "" : a.fileKey());
        }
    }

    public ApiKeys(Path dataDirectory) {
        this.file = dataDirectory.resolve("web").resolve("apikeys");
    }

    public Path file() {
        return file;
    }

    /** The keys now in the file (re-read when it changed). */
    public synchronized List<Key> keys() throws IOException {
        Stamp stamp;
        try {
            stamp = Stamp.of(file);
        } catch (NoSuchFileException e) {
            keys = List.of();
            loaded = null;
            known = List.of(); // no file, no key: the secrets remembered go too
            return keys;
        }
        if (!stamp.equals(loaded)) {
            keys = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
            loaded = stamp;
            known = List.of(); // a deleted key must not live on here
        }
        return keys;
    }

    /**
     * The key whose secret is {@code secret}. Every stored hash is compared, in constant time, so the answer's
     * timing tells nothing about which key (or how much of one) matched.
     */
    public Optional<Key> authenticate(String secret) throws IOException {
        List<Key> current = keys(); // first: a changed file forgets the secrets remembered
        byte[] given = secret.getBytes(StandardCharsets.UTF_8);
        List<Known> remembered = known;
        Key found = null;
        // Secrets already matched are compared in constant time too, each one, as the hashes are below.
        for (Known k : remembered) {
            if (MessageDigest.isEqual(k.secret(), given) && found == null) found = k.key();
        }
        if (found != null) return Optional.of(found);
        byte[] hash = sha256Bytes(given);
        for (Key key : current) {
            if (MessageDigest.isEqual(key.hash(), hash) && found == null) found = key;
        }
        if (found != null) remember(given, found, current);
        return Optional.ofNullable(found);
    }

    /** Remembers a secret that matched in {@code from}, unless the keys were read again since (it may be gone). */
    private synchronized void remember(byte[] secret, Key key, List<Key> from) {
        if (keys != from || known.size() >= REMEMBERED) return;
        List<Known> more = new ArrayList<>(known);
        more.add(new Known(secret, key));
        known = List.copyOf(more);
    }

    /** Adds a key named {@code name} and returns its secret, which is kept nowhere. */
    public synchronized String add(String name, int rate, List<String> senders) throws IOException {
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("a key name is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (rate < 1) throw new IllegalArgumentException("the rate is at least 1 message per minute");
        for (String s : senders) {
            if (s.isEmpty() || s.contains(",") || s.contains("\t") || s.indexOf('@') < 0) {
                throw new IllegalArgumentException("a sender is an address or @domain: " + s);
            }
        }
        List<Key> current = new ArrayList<>(keys());
        if (current.stream().anyMatch(k -> k.name().equals(name))) {
            throw new IllegalArgumentException("a key named " + name + " exists");
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        current.add(new Key(name, sha256(secret), rate, Instant.now(), senders));
        write(current);
        return secret;
    }

    /** Removes the key {@code name}; false when there is none. */
    public synchronized boolean delete(String name) throws IOException {
        List<Key> current = new ArrayList<>(keys());
        if (!current.removeIf(k -> k.name().equals(name))) return false;
        write(current);
        return true;
    }

    private void write(List<Key> list) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Key k : list) {
            text.append(k.name()).append('\t').append(HexFormat.of().formatHex(k.hash())).append('\t').append(k.rate())
                    .append('\t').append(k.created().getEpochSecond()).append('\t').append(String.join(",", k.senders()))
                    .append('\n');
        }
        dev.tern.app.DurableFiles.replace(file, text.toString().getBytes(StandardCharsets.UTF_8), true);
        keys = List.copyOf(list);
        loaded = Stamp.of(file);
        known = List.of();
    }

    private static List<Key> parse(List<String> lines) throws IOException {
        List<Key> result = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t", -1);
            if (f.length != 5) throw new IOException("malformed line in the API key file");
            try {
                List<String> senders = f[4].isEmpty() ? List.of() : List.of(f[4].split(","));
                result.add(new Key(f[0], HexFormat.of().parseHex(f[1]), Integer.parseInt(f[2]),
                        Instant.ofEpochSecond(Long.parseLong(f[3])), senders));
            } catch (IllegalArgumentException e) {
                throw new IOException("malformed line in the API key file");
            }
        }
        return List.copyOf(result);
    }

    static byte[] sha256(String secret) {
        return sha256Bytes(secret.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256Bytes(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
