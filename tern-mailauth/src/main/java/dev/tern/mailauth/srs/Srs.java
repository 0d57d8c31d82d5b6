package dev.tern.mailauth.srs;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.channels.FileChannel;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Sender Rewriting Scheme of libsrs2, as postsrsd uses it, for one forwarding domain.
 *
 * <ul>
 * <li>{@code alice@example.org} becomes {@code SRS0=HHHH=TT=example.org=alice@ourdomain}: {@code TT} is the day
 *     (days since 1970 mod 1024) in two base32 characters, {@code HHHH} the first four characters of
 *     base64(HMAC-SHA1(secret, TT + domain + local)), all three lower-cased before hashing, so an MTA that changes
 *     the case of the address does not break it.
 * <li>An {@code SRS0} address of another forwarder, {@code SRS0=HHHH=TT=example.org=alice@fwd.example}, becomes
 *     {@code SRS1=GGGG=fwd.example==HHHH=TT=example.org=alice@ourdomain} ({@code GGGG} = HMAC over
 *     {@code fwd.example} + {@code =HHHH=TT=example.org=alice}); an {@code SRS1} address keeps its first forwarder
 *     and its {@code SRS0} part and gets our hash. The chain never grows beyond one hop back.
 * <li>{@link #reverse} checks the hash against every secret (the first one signs, the others still verify, so a
 *     secret can be rotated), case-insensitively and in constant time, and for {@code SRS0} the age
 *     (at most {@link #DEFAULT_MAX_AGE}, postsrsd's default).
 * </ul>
 * Thread-safe: immutable but for the clock.
 */
public final class Srs {
    /** postsrsd's default: a bounce may come back up to 21 days after the forward. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(21);
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final int HASH_LENGTH = 4;
    private static final int DAYS = 1024; // two base32 characters
    private static final int SECRET_BYTES = 32;

    private final List<byte[]> secrets;
    private final Domain localDomain;
    private final Clock clock;
    private final long maxAgeDays;

    /** With {@link #DEFAULT_MAX_AGE}. */
    public Srs(List<byte[]> secrets, String localDomain, Clock clock) {
        this(secrets, localDomain, clock, DEFAULT_MAX_AGE);
    }

    /**
     * {@code secrets}: the first signs, all verify; {@code localDomain}: the domain of the rewritten addresses,
     * which must route back to this server; {@code maxAge}: whole days, 1 to 1000.
     */
    public Srs(List<byte[]> secrets, String localDomain, Clock clock, Duration maxAge) {
        if (secrets == null || secrets.isEmpty()) throw new IllegalArgumentException("at least one secret is required");
        List<byte[]> copies = new ArrayList<>();
        for (byte[] secret : secrets) {
            if (secret == null || secret.length == 0) throw new IllegalArgumentException("an SRS secret must not be empty");
            copies.add(secret.clone());
        }
        if (clock == null || maxAge == null) throw new IllegalArgumentException("clock and max age are required");
        long days = maxAge.toDays();
        if (days < 1 || days > 1000) throw new IllegalArgumentException("max age must be 1 to 1000 days");
        this.secrets = List.copyOf(copies);
        this.localDomain = Domain.parse(localDomain);
        this.clock = clock;
        this.maxAgeDays = days;
    }

    /** The domain of the addresses this scheme makes. */
    public Domain localDomain() {
        return localDomain;
    }

    /**
     * The reverse path for mail forwarded from {@code sender}. A sender already at our domain, or one whose
     * rewritten local part would exceed 64 octets (RFC 5321 §4.5.3.1.1, which {@link Mailbox} enforces), is
     * returned unchanged: the next hop's SPF check then sees the original, as without SRS.
     */
    public Mailbox forward(Mailbox sender) {
        if (sender.domain().equals(localDomain)) return sender;
        String local = sender.localPart();
        String rewritten;
        if (hasPrefix(local, "SRS0")) {
            // Another forwarder's SRS0: point back at that forwarder, keeping its part with its separator.
            String host = sender.domain().name();
            String srsUser = local.substring(4);
            rewritten = "SRS1=" + hash(secrets.getFirst(), host, srsUser) + "=" + host + "=" + srsUser;
        } else if (hasPrefix(local, "SRS1")) {
            String[] parts = local.substring(5).split("=", 3); // old hash, first forwarder, its SRS0 part
            if (parts.length < 3 || parts[1].isEmpty() || !separated(parts[2])) return timestamped(sender);
            String host = parts[1];
            String srsUser = parts[2];
            rewritten = "SRS1=" + hash(secrets.getFirst(), host, srsUser) + "=" + host + "=" + srsUser;
        } else {
            return timestamped(sender);
        }
        return fit(rewritten, sender);
    }

    private Mailbox timestamped(Mailbox sender) {
        String stamp = timestamp(today());
        String domain = sender.domain().name();
        String local = sender.localPart();
        return fit("SRS0=" + hash(secrets.getFirst(), stamp, domain, local) + "=" + stamp + "=" + domain + "=" + local,
                sender);
    }

    private Mailbox fit(String localPart, Mailbox sender) {
        if (localPart.getBytes(StandardCharsets.UTF_8).length > Mailbox.MAX_LOCAL_PART) return sender;
        return new Mailbox(localPart, localDomain);
    }

    /**
     * What a recipient at our domain is: not SRS, valid (where the bounce goes), or invalid. The caller asks only
     * for addresses at a local domain; the domain of {@code address} is not checked here, so that every local
     * domain may carry SRS addresses.
     */
    public SrsReversal reverse(Mailbox address) {
        String local = address.localPart();
        if (hasPrefix(local, "SRS0")) return reverseSrs0(local.substring(5));
        if (hasPrefix(local, "SRS1")) return reverseSrs1(local.substring(5));
        return SrsReversal.NOT_SRS;
    }

    private SrsReversal reverseSrs0(String rest) {
        String[] parts = rest.split("=", 4); // hash, timestamp, domain, local (which may hold '=')
        if (parts.length < 4 || parts[1].length() != 2 || parts[2].isEmpty() || parts[3].isEmpty()) return malformed();
        int then = decodeTimestamp(parts[1]);
        if (then < 0) return malformed();
        Mailbox original;
        try {
            original = new Mailbox(parts[3], Domain.parse(parts[2]));
        } catch (IllegalArgumentException e) { // a domain or local part that is no address: not one we made
            return malformed();
        }
        if (original.domain().isLiteral()) return malformed();
        if (!verified(parts[0], parts[1], parts[2], parts[3])) return new SrsReversal.Invalid(SrsReversal.Reason.BAD_HASH);
        // libsrs2: the age counts forward from the stamp modulo 1024; a stamp "in the future" is very old.
        long age = Math.floorMod(today() - then, DAYS);
        if (age > maxAgeDays) return new SrsReversal.Invalid(SrsReversal.Reason.EXPIRED);
        return new SrsReversal.Original(original);
    }

    private SrsReversal reverseSrs1(String rest) {
        String[] parts = rest.split("=", 3); // hash, first forwarder, its SRS0 part from its separator on
        if (parts.length < 3 || parts[1].isEmpty() || !separated(parts[2])) return malformed();
        String srsUser = parts[2];
        Mailbox previous;
        try {
            previous = new Mailbox("SRS0" + srsUser, Domain.parse(parts[1]));
        } catch (IllegalArgumentException e) { // not a host or too long: not one we made
            return malformed();
        }
        if (previous.domain().isLiteral()) return malformed();
        if (!verified(parts[0], parts[1], srsUser)) return new SrsReversal.Invalid(SrsReversal.Reason.BAD_HASH);
        return new SrsReversal.Original(previous);
    }

    private static SrsReversal malformed() {
        return new SrsReversal.Invalid(SrsReversal.Reason.MALFORMED);
    }

    /** Compares against every secret's hash, case-insensitively (MTAs change case) and in constant time. */
    private boolean verified(String given, String... data) {
        byte[] candidate = given.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] secret : secrets) {
            byte[] expected = hash(secret, data).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
            ok |= MessageDigest.isEqual(expected, candidate);
        }
        return ok;
    }

    /** The first {@link #HASH_LENGTH} characters of base64(HMAC-SHA1(secret, lower-cased data)). */
    private static String hash(byte[] secret, String... data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            for (String part : data) mac.update(part.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal()).substring(0, HASH_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    private long today() {
        return Math.floorDiv(clock.millis(), 86_400_000L);
    }

    static String timestamp(long day) {
        int t = (int) Math.floorMod(day, DAYS);
        return "" + BASE32.charAt(t >> 5) + BASE32.charAt(t & 31);
    }

    /** The day number mod 1024 of a two-character stamp, any case; -1 when it is not base32. */
    static int decodeTimestamp(String stamp) {
        int high = BASE32.indexOf(Character.toUpperCase(stamp.charAt(0)));
        int low = BASE32.indexOf(Character.toUpperCase(stamp.charAt(1)));
        return high < 0 || low < 0 ? -1 : high << 5 | low;
    }

    /** {@code SRS0} or {@code SRS1} in any case, then one of libsrs2's separators {@code = + -}. */
    private static boolean hasPrefix(String local, String tag) {
        return local.length() > 5 && local.regionMatches(true, 0, tag, 0, 4) && "=+-".indexOf(local.charAt(4)) >= 0;
    }

    /** The SRS0 part of an SRS1 address: a separator, then something. */
    private static boolean separated(String srsUser) {
        return srsUser.length() > 1 && "=+-".indexOf(srsUser.charAt(0)) >= 0;
    }

    /**
     * The secrets in {@code file}, one base64 line each (the first signs; add a new first line to rotate and
     * drop the old one after {@link #DEFAULT_MAX_AGE}). When the file does not exist, it is created with one new
     * secret of 32 random bytes, readable by the owner only (0600 where the file system has POSIX permissions),
     * written to a temporary file, forced to disk and moved into place, so a crash never leaves a partial
     * secret and two processes starting at once agree on one.
     *
     * @throws IOException when the file cannot be read or made, or holds no valid secret
     */
    public static List<byte[]> loadOrCreateSecret(Path file) throws IOException {
        if (!Files.exists(file)) create(file);
        List<byte[]> secrets = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) continue;
            try {
                byte[] secret = Base64.getDecoder().decode(text);
                if (secret.length == 0) throw new IllegalArgumentException("empty");
                secrets.add(secret);
            } catch (IllegalArgumentException e) {
                throw new IOException("the SRS secret file holds a line that is not base64: " + file);
            }
        }
        if (secrets.isEmpty()) throw new IOException("the SRS secret file holds no secret: " + file);
        return secrets;
    }

    private static void create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] secret = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        byte[] text = (Base64.getEncoder().encodeToString(secret) + "\n").getBytes(StandardCharsets.US_ASCII);
        Path temp = posix(dir)
                ? Files.createTempFile(dir, ".srs-secret", ".tmp", PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".srs-secret", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(text));
                channel.force(true);
            }
            try {
                Files.createLink(file, temp); // atomic, and never replaces a secret another process made
            } catch (UnsupportedOperationException e) {
                Files.move(temp, file); // no hard links here: a move that refuses to replace
            }
        } catch (FileAlreadyExistsException e) {
            // Another process made it first: theirs stands (loadOrCreateSecret reads it next).
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static boolean posix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
