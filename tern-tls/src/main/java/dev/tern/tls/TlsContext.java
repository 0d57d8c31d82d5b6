package dev.tern.tls;

import dev.tern.tls.TlsSettings.CertificateFiles;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS material and policy. Thread-safe; owns no thread.
 *
 * <p>Policy: TLS 1.3 and 1.2 only; the server's cipher order; for TLS 1.2 only ECDHE key exchange with AEAD
 * ciphers, for TLS 1.3 the JDK's defaults; no client certificates; the certificate chosen by SNI
 * ({@link SniKeyChooser}).
 *
 * <p>Reload: the material lives in one immutable {@link Material} (an {@link SSLContext} with its key manager, and
 * the files' stamps) behind a volatile reference. On the handshake path, at most once per check interval (5
 * seconds), one caller compares each PEM file's inode, mtime and size with the stamps; if any changed it loads all
 * files into a new {@code SSLContext} and swaps it in, so the next handshake presents the new certificates. A new
 * context also drops the old session caches and ticket keys, so no client resumes into the old certificate. If
 * loading fails, the old material stays, one ERROR is logged, and the new stamps are remembered so the error is
 * not repeated until the files change again. The check costs a few {@code stat} calls; other handshakes never wait
 * for it. A file rewritten in place to the same size within one tick of the kernel's mtime clock would go unseen;
 * certbot and deploy tools rename or re-link files, which changes the inode.
 *
 * <p>With several files, a renewal that has replaced the certificate but not yet the key fails to load (one ERROR
 * line) and is picked up at the next check once both are in place.
 */
public final class TlsContext {
    private static final Logger log = LoggerFactory.getLogger(TlsContext.class);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    // TLS 1.2: forward secrecy and AEAD only, in the order of Mozilla's "intermediate" profile.
    private static final List<String> TLS12_SUITES = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final List<CertificateFiles> files;
    private final long checkIntervalNanos;
    private final AtomicLong nextCheck;
    private volatile Material material;

    private record Material(SSLContext context, SSLParameters parameters, List<CertifiedKey> keys, List<Stamp> stamps) {
        CertifiedKey first() {
            return keys.getFirst();
        }
    }

    /** What identifies a file's content cheaply; a certbot renewal changes the symlink target, hence the inode. */
    private record Stamp(Object fileKey, long modifiedNanos, long size) {
        static Stamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(attributes.fileKey(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                        attributes.size());
            } catch (IOException e) {
                return new Stamp(null, -1, -1); // missing now: a change; loading will say what is wrong
            }
        }
    }

    private TlsContext(List<CertificateFiles> files, Duration checkInterval) throws IOException {
        this.files = List.copyOf(files);
        this.checkIntervalNanos = checkInterval.toNanos();
        this.material = load(this.files, stamps(this.files));
        this.nextCheck = new AtomicLong(System.nanoTime() + checkIntervalNanos);
    }

    /**
     * Loads the configured certificates, or makes (or reuses) a self-signed one under
     * {@code dataDirectory/tls/} for {@code hostname}, and logs its SHA-256 fingerprint.
     *
     * @throws IOException when a configured file is missing or wrong; the message names the file and the problem
     */
    public static TlsContext open(TlsSettings settings, Path dataDirectory, String hostname) throws IOException {
        return open(settings, dataDirectory, hostname, CHECK_INTERVAL);
    }

    static TlsContext open(TlsSettings settings, Path dataDirectory, String hostname, Duration checkInterval)
            throws IOException {
        if (!settings.certificates().isEmpty()) {
            TlsContext context = new TlsContext(settings.certificates(), checkInterval);
            context.logLoaded("loaded");
            return context;
        }
        CertificateFiles selfSigned = SelfSignedCertificate.ensure(dataDirectory, hostname);
        TlsContext context = new TlsContext(List.of(selfSigned), checkInterval);
        log.info("tls self-signed certificate sha256={}", context.fingerprint());
        return context;
    }

    /**
     * Layers server-side TLS over an accepted connection and completes the handshake: TLS 1.2 and 1.3 only,
     * server cipher preference, certificate chosen by SNI, certificates reloaded when their files change.
     * The caller must have discarded any plaintext it buffered (RFC 3207 §4.2, CVE-2011-0411). The handshake
     * is bounded by the socket's current SO_TIMEOUT. On failure the socket is closed and the exception thrown
     * ({@link javax.net.ssl.SSLHandshakeException} for a peer that cannot agree, e.g. one offering only TLS 1.1).
     */
    public SSLSocket handshake(Socket plain) throws IOException {
        reloadIfDue();
        Material current = material;
        SSLSocket tls = (SSLSocket) current.context().getSocketFactory().createSocket(plain, null, true);
        try {
            tls.setSSLParameters(current.parameters());
            tls.startHandshake();
            return tls;
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(tls, e);
            throw e;
        }
    }

    /**
     * The SSL context of the current certificates (reloaded when their files changed), for listeners that make
     * their own TLS connections (the web server's HTTPS): ask again for each new connection.
     */
    public javax.net.ssl.SSLContext sslContext() {
        reloadIfDue();
        return material.context();
    }

    /** SHA-256 fingerprint of the default (first) certificate, as {@code AB:CD:...}. */
    public String fingerprint() {
        return material.first().fingerprint();
    }

    /** The certificate chains in use, in configuration order, leaf first; for diagnostics. */
    public List<List<X509Certificate>> chains() {
        return material.keys().stream().map(CertifiedKey::chain).toList();
    }

    private void logLoaded(String verb) {
        for (int i = 0; i < files.size(); i++) {
            CertifiedKey key = material.keys().get(i);
            X509Certificate leaf = key.leaf();
            log.info("tls certificate {} path={} names={} notAfter={} sha256={}", verb, files.get(i).fullchain(),
                    key.names(), leaf.getNotAfter().toInstant(), key.fingerprint());
            if (leaf.getNotAfter().toInstant().isBefore(Instant.now())) {
                log.warn("tls certificate expired path={} notAfter={}", files.get(i).fullchain(),
                        leaf.getNotAfter().toInstant());
            }
        }
    }

    private void reloadIfDue() {
        long now = System.nanoTime();
        long due = nextCheck.get();
        if (now - due >= 0 && nextCheck.compareAndSet(due, now + checkIntervalNanos)) {
            reloadIfChanged();
        }
    }

    /**
     * Checks the files now, without waiting for the next check interval, and swaps in new material if they changed;
     * true if it did. For a writer that just replaced them (an ACME renewal), so the next handshake presents them.
     */
    public boolean reload() {
        return reloadIfChanged();
    }

    /** Checks the files now and swaps in new material if they changed; true if it did. For tests and signals. */
    boolean reloadIfChanged() {
        Material current = material;
        List<Stamp> now = stamps(files);
        if (now.equals(current.stamps())) {
            return false;
        }
        try {
            material = load(files, now);
            logLoaded("reloaded");
            return true;
        } catch (IOException e) {
            log.error("tls reload failed, keeping the previous certificates: {}", e.getMessage());
            material = new Material(current.context(), current.parameters(), current.keys(), now);
            return false;
        }
    }

    private static List<Stamp> stamps(List<CertificateFiles> files) {
        List<Stamp> stamps = new ArrayList<>();
        for (CertificateFiles pair : files) {
            stamps.add(Stamp.of(pair.fullchain()));
            stamps.add(Stamp.of(pair.privateKey()));
        }
        return List.copyOf(stamps);
    }

    private static Material load(List<CertificateFiles> files, List<Stamp> stamps) throws IOException {
        List<CertifiedKey> keys = new ArrayList<>();
        for (CertificateFiles pair : files) {
            keys.add(PemFiles.load(pair));
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new SniKeyChooser(keys)}, null, null);
            return new Material(context, parameters(context), List.copyOf(keys), stamps);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no usable TLS implementation", e);
        }
    }

    private static SSLParameters parameters(SSLContext context) {
        Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
        List<String> suites = new ArrayList<>();
        for (String suite : context.getDefaultSSLParameters().getCipherSuites()) {
            if (suite.startsWith("TLS_") && !suite.contains("_WITH_")) {
                suites.add(suite); // TLS 1.3 suites (RFC 8446 §B.4) have no key exchange in their names
            }
        }
        TLS12_SUITES.stream().filter(supported::contains).forEach(suites::add);
        SSLParameters parameters = new SSLParameters(suites.toArray(String[]::new), PROTOCOLS.toArray(String[]::new));
        parameters.setUseCipherSuitesOrder(true);
        parameters.setNeedClientAuth(false);
        parameters.setWantClientAuth(false);
        return parameters;
    }

    private static void closeAfterFailure(SSLSocket tls, Exception failure) {
        try {
            tls.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
