package dev.tern.mailauth.dkim;

import dev.tern.mail.Domain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * DKIM keys in the data directory: {@code <dkim>/<domain>/<selector>.key}, each a PKCS#8 PEM
 * {@code PRIVATE KEY} with permissions 0600, and {@code <dkim>/<domain>/active}, the selectors Tern signs with, one
 * per line. {@link #generate} makes a pair of keys for a domain, an Ed25519 one (selector {@code <s>-ed25519}) and an
 * RSA-2048 one ({@code <s>-rsa}), so receivers without Ed25519 (RFC 8463 §3) still see a signature they check.
 * The files are read at start; the CLI edits them. Not synchronized: one writer (the CLI) at a time.
 */
public final class DkimKeys {
    /** The name of the file that lists a domain's active selectors. */
    public static final String ACTIVE = "active";
    public static final int RSA_BITS = 2048;
    private static final String SUFFIX = ".key";
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private DkimKeys() {}

    /** One key of a domain, and the DNS record that publishes it. */
    public record Key(String domain, String selector, SigningKey.Algorithm algorithm, boolean active,
            String dnsRecord) {}

    /** The default selector base for keys made on {@code date}: {@code tern} and the year and month. */
    public static String defaultSelector(LocalDate date) {
        return "tern" + date.format(DateTimeFormatter.ofPattern("yyyyMM"));
    }

    /**
     * Makes an Ed25519 key ({@code <selector>-ed25519}) and an RSA-2048 key ({@code <selector>-rsa}) for
     * {@code domain}. When the domain has no active selector yet, both become active; otherwise they wait for
     * {@link #activate} (key rotation: publish first, switch later).
     *
     * @throws FileAlreadyExistsException when a key of that name exists (keys are never overwritten)
     */
    public static List<Key> generate(Path dkimDir, String domain, String selector) throws IOException {
        String d = domainName(domain);
        Path dir = dkimDir.resolve(d);
        Files.createDirectories(dir);
        List<SigningKey> made = new ArrayList<>();
        try {
            KeyPairGenerator ed = KeyPairGenerator.getInstance("Ed25519");
            made.add(new SigningKey(d, selector + "-ed25519", SigningKey.Algorithm.ED25519_SHA256,
                    ed.generateKeyPair().getPrivate()));
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(new RSAKeyGenParameterSpec(RSA_BITS, RSAKeyGenParameterSpec.F4));
            made.add(new SigningKey(d, selector + "-rsa", SigningKey.Algorithm.RSA_SHA256,
                    rsa.generateKeyPair().getPrivate()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK makes Ed25519 and RSA keys", e);
        }
        for (SigningKey k : made) {
            if (Files.exists(dir.resolve(k.selector() + SUFFIX))) {
                throw new FileAlreadyExistsException(dir.resolve(k.selector() + SUFFIX).toString());
            }
        }
        for (SigningKey k : made) writeKey(dir.resolve(k.selector() + SUFFIX), k.privateKey());
        if (active(dir).isEmpty()) writeActive(dir, made.stream().map(SigningKey::selector).toList());
        Set<String> active = active(dir);
        return made.stream().map(k -> key(k, active.contains(k.selector()))).toList();
    }

    /** Every key in {@code dkimDir}, by domain and selector. */
    public static List<Key> list(Path dkimDir) throws IOException {
        List<Key> keys = new ArrayList<>();
        for (Map.Entry<String, List<SigningKey>> e : load(dkimDir).entrySet()) {
            Set<String> active = active(dkimDir.resolve(e.getKey()));
            for (SigningKey k : e.getValue()) keys.add(key(k, active.contains(k.selector())));
        }
        return List.copyOf(keys);
    }

    /**
     * The signer for mail from {@code domain}: its own, or the nearest parent domain's ({@code mx.example.com} is
     * signed by {@code example.com}'s keys when it has none of its own).
     */
    public static java.util.Optional<DkimSigner> signerFor(Map<String, DkimSigner> signers, String domain) {
        String d = domain.toLowerCase(java.util.Locale.ROOT);
        while (!d.isEmpty()) {
            DkimSigner signer = signers.get(d);
            if (signer != null) return java.util.Optional.of(signer);
            int dot = d.indexOf('.');
            if (dot < 0) break;
            d = d.substring(dot + 1);
        }
        return java.util.Optional.empty();
    }

    /** One signer per domain with active selectors, signing with those keys. */
    public static Map<String, DkimSigner> signers(Path dkimDir, Clock clock) throws IOException {
        Map<String, DkimSigner> signers = new TreeMap<>();
        for (Map.Entry<String, List<SigningKey>> e : load(dkimDir).entrySet()) {
            Set<String> active = active(dkimDir.resolve(e.getKey()));
            List<SigningKey> keys = e.getValue().stream().filter(k -> active.contains(k.selector())).toList();
            if (!keys.isEmpty()) signers.put(e.getKey(), new DkimSigner(keys, clock));
        }
        return Map.copyOf(signers);
    }

    /** Makes {@code selector} active for {@code domain}; its key file must exist. */
    public static void activate(Path dkimDir, String domain, String selector) throws IOException {
        Path dir = dkimDir.resolve(domainName(domain));
        if (!Files.isRegularFile(dir.resolve(selector + SUFFIX))) {
            throw new IllegalArgumentException("no key " + selector + " for " + domain);
        }
        Set<String> active = active(dir);
        active.add(selector);
        writeActive(dir, List.copyOf(active));
    }

    /** Stops signing with {@code selector}; the key file stays (delete it once its DNS record is gone). */
    public static void retire(Path dkimDir, String domain, String selector) throws IOException {
        Path dir = dkimDir.resolve(domainName(domain));
        Set<String> active = active(dir);
        if (!active.remove(selector)) throw new IllegalArgumentException(selector + " is not active for " + domain);
        writeActive(dir, List.copyOf(active));
    }

    /**
     * The DNS record publishing {@code publicKey} (RFC 6376 §3.6.1, RFC 8463 §4.2), in zone-file syntax:
     * {@code <selector>._domainkey.<domain>. IN TXT "v=DKIM1; k=...; p=..."}, split into character-strings of at
     * most 255 octets (RFC 1035 §3.3.14; RFC 6376 §3.6.2.2 says they are joined).
     */
    public static String dnsRecord(String domain, String selector, PublicKey publicKey) {
        String text = "v=DKIM1; k=" + (publicKey.getAlgorithm().equals("RSA") ? "rsa" : "ed25519") + "; p="
                + Base64.getEncoder().encodeToString(publicKeyData(publicKey));
        StringBuilder out = new StringBuilder(selector).append("._domainkey.").append(domain).append(". IN TXT ");
        boolean several = text.length() > 255;
        if (several) out.append("( ");
        for (int i = 0; i < text.length(); i += 255) {
            if (i > 0) out.append(' ');
            out.append('"').append(text, i, Math.min(text.length(), i + 255)).append('"');
        }
        if (several) out.append(" )");
        return out.toString();
    }

    /** {@code p=}'s octets: the SubjectPublicKeyInfo for RSA (§3.6.1), the raw 32-octet key for Ed25519. */
    static byte[] publicKeyData(PublicKey key) {
        byte[] spki = key.getEncoded();
        return key.getAlgorithm().equals("RSA") ? spki : Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    }

    /** The public half of a private key. */
    public static PublicKey publicKey(PrivateKey key) {
        try {
            if (key instanceof RSAPrivateCrtKey rsa) {
                return KeyFactory.getInstance("RSA").generatePublic(
                        new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            // An Ed25519 PKCS#8 key (RFC 8410 §7) ends with the 32-octet seed, from which the public key follows.
            byte[] pkcs8 = key.getEncoded();
            byte[] seed = Arrays.copyOfRange(pkcs8, 16, 48);
            byte[] pub = new Ed25519PrivateKeyParameters(seed).generatePublicKey().getEncoded();
            byte[] spki = Arrays.copyOf(DkimKey.ed25519Spki(), 44);
            System.arraycopy(pub, 0, spki, 12, 32);
            return KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not a usable DKIM key", e);
        }
    }

    /** Reads a PKCS#8 PEM private key. */
    public static PrivateKey readKey(Path file) throws IOException {
        var m = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        if (!m.find()) throw new IOException(file + " holds no PEM PRIVATE KEY");
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String algorithm : List.of("Ed25519", "RSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next one
            }
        }
        throw new IOException(file + " holds neither an Ed25519 nor an RSA key");
    }

    private static Key key(SigningKey k, boolean active) {
        return new Key(k.domain(), k.selector(), k.algorithm(), active,
                dnsRecord(k.domain(), k.selector(), publicKey(k.privateKey())));
    }

    private static Map<String, List<SigningKey>> load(Path dkimDir) throws IOException {
        Map<String, List<SigningKey>> keys = new TreeMap<>();
        if (!Files.isDirectory(dkimDir)) return keys;
        try (Stream<Path> domains = Files.list(dkimDir)) {
            for (Path dir : domains.filter(Files::isDirectory).sorted().toList()) {
                String domain = dir.getFileName().toString();
                List<SigningKey> list = new ArrayList<>();
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
                        String name = f.getFileName().toString();
                        PrivateKey pk = readKey(f);
                        SigningKey.Algorithm a = pk.getAlgorithm().equals("RSA") ? SigningKey.Algorithm.RSA_SHA256
                                : SigningKey.Algorithm.ED25519_SHA256;
                        list.add(new SigningKey(domain, name.substring(0, name.length() - SUFFIX.length()), a, pk));
                    }
                }
                keys.put(domain, List.copyOf(list));
            }
        }
        return keys;
    }

    private static Set<String> active(Path domainDir) throws IOException {
        Path f = domainDir.resolve(ACTIVE);
        Set<String> active = new LinkedHashSet<>();
        if (!Files.exists(f)) return active;
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) active.add(s);
        }
        return active;
    }

    private static void writeActive(Path domainDir, List<String> selectors) throws IOException {
        String text = "# selectors Tern signs with (tern dkim activate/retire)\n" + String.join("\n", selectors)
                + (selectors.isEmpty() ? "" : "\n");
        Path tmp = domainDir.resolve(ACTIVE + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, domainDir.resolve(ACTIVE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, domainDir.resolve(ACTIVE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void writeKey(Path file, PrivateKey key) throws IOException {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }

    private static String domainName(String domain) {
        Domain d = Domain.parse(domain);
        if (d.isLiteral()) throw new IllegalArgumentException("a DKIM domain is a name, not an address literal");
        return d.name();
    }

}
