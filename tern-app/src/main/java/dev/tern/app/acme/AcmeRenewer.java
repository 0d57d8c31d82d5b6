package dev.tern.app.acme;

import java.util.Locale;
import java.net.InetSocketAddress;
import java.io.IOException;
import dev.tern.app.AcmeSettings;
import java.math.BigInteger;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the ACME certificate fresh (docs/acme.md). Owns one virtual thread, {@code acme-renewer}, from
 * {@link #start} to {@link #close}: at start and then every {@code check_interval} (sooner when the renewal falls
 * due before that) it reads {@code fullchain.pem} and orders a new certificate when there is none from the CA yet
 * (the self-signed stand-in), when it does not name every configured domain, or when less than
 * {@code renew_before} is left before its notAfter. A new chain is written to disk and {@code reload} is called, so
 * every listener presents it from the next handshake, without a restart. A failed attempt is logged (WARN, with
 * the CA's problem document) and retried after {@code retry}, doubled after each further failure up to
 * {@code check_interval}, or later if the CA says so (Retry-After); nothing here ever stops the server.
 */
public final class AcmeRenewer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AcmeRenewer.class);
    private static final int KEPT_OUTCOMES = 32;
    private static final Duration JOIN = Duration.ofSeconds(5);

    /** What one check came to. */
    public sealed interface Outcome {
        /** The certificate on disk is good for now. */
        record NotDue(BigInteger serial, Instant notAfter) implements Outcome {}

        /** A new certificate was obtained, written and handed to TLS. */
        record Renewed(BigInteger serial, Instant notAfter, String issuer) implements Outcome {}

        /** The attempt failed; the next is in {@code retryIn}. */
        record Failed(String reason, Duration retryIn) implements Outcome {}
    }

    private final AcmeSettings settings;
    private final List<String> domains;
    private final AcmeFiles files;
    private final Runnable reload;
    private final Clock clock;
    private final Http01Responder responder;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<Outcome> outcomes = new ArrayList<>(); // guarded by this
    private Thread thread;

    private AcmeRenewer(AcmeSettings settings, List<String> domains, AcmeFiles files, Runnable reload, Clock clock) {
        this.settings = settings;
        this.domains = List.copyOf(domains);
        this.files = files;
        this.reload = reload;
        this.clock = clock;
        this.responder = new Http01Responder(settings.httpListen());
    }

    /**
     * Starts checking for {@code domains} at once, in the background; returns without waiting for the CA. The
     * HTTP-01 responder is bound now; if it cannot be (port 80 without the privilege), that is logged and tried
     * again at each attempt.
     */
    public static AcmeRenewer start(AcmeSettings settings, List<String> domains, AcmeFiles files, Runnable reload,
                                    Clock clock) {
        AcmeRenewer renewer = new AcmeRenewer(settings, domains, files, reload, clock);
        try {
            renewer.responder.bind();
        } catch (IOException e) {
            log.error("acme http-01 responder cannot listen address={}: {}", settings.httpListen(), e.toString());
        }
        renewer.thread = Thread.ofVirtual().name("acme-renewer").start(renewer::run);
        return renewer;
    }

    /** The outcomes of the latest checks, oldest first (at most 32). */
    public synchronized List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** Where the HTTP-01 responder listens, once bound. */
    public Optional<InetSocketAddress> httpAddress() {
        return responder.address();
    }

    private void run() {
        int failures = 0;
        while (stop.getCount() > 0) {
            Outcome outcome = check(failures);
            synchronized (this) {
                outcomes.add(outcome);
                if (outcomes.size() > KEPT_OUTCOMES) outcomes.removeFirst();
            }
            Duration wait = switch (outcome) {
                case Outcome.NotDue notDue -> untilDue(notDue.notAfter());
                case Outcome.Renewed renewed -> untilDue(renewed.notAfter());
                case Outcome.Failed failed -> failed.retryIn();
            };
            failures = outcome instanceof Outcome.Failed ? failures + 1 : 0;
            try {
                if (stop.await(wait.toMillis(), TimeUnit.MILLISECONDS)) return;
            } catch (InterruptedException e) {
                return; // close() interrupts only to stop
            }
        }
    }

    /** One check, and an order if due; never throws. */
    private Outcome check(int failuresSoFar) {
        List<X509Certificate> chain = files.chain();
        Optional<String> due = due(chain);
        if (due.isEmpty()) {
            X509Certificate leaf = chain.getFirst();
            log.info("acme certificate valid domains={} serial={} notAfter={}", domains,
                    leaf.getSerialNumber().toString(16), leaf.getNotAfter().toInstant());
            return new Outcome.NotDue(leaf.getSerialNumber(), leaf.getNotAfter().toInstant());
        }
        log.info("acme ordering certificate domains={} directory={} reason={}", domains,
                settings.directory().orElseThrow(), due.get());
        try {
            List<X509Certificate> fresh = new AcmeOrder(settings, files, responder).obtain(domains);
            X509Certificate leaf = fresh.getFirst();
            reload.run();
            String issuer = leaf.getIssuerX500Principal().getName();
            log.info("acme certificate obtained domains={} serial={} notAfter={} issuer=\"{}\"", domains,
                    leaf.getSerialNumber().toString(16), leaf.getNotAfter().toInstant(), issuer);
            return new Outcome.Renewed(leaf.getSerialNumber(), leaf.getNotAfter().toInstant(), issuer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Failed("stopped", Duration.ZERO);
        } catch (AcmeException | IOException | RuntimeException e) {
            Duration retryIn = backoff(failuresSoFar, e);
            String reason = reason(e);
            log.warn("acme order failed domains={} directory={} retryIn={} reason={}", domains,
                    settings.directory().orElseThrow(), retryIn, reason);
            return new Outcome.Failed(reason, retryIn);
        }
    }

    /** Why a new certificate is needed now, or empty when the one on disk will do. */
    private Optional<String> due(List<X509Certificate> chain) {
        if (chain.isEmpty()) return Optional.of("no certificate");
        X509Certificate leaf = chain.getFirst();
        if (AcmeFiles.selfSigned(leaf)) return Optional.of("no certificate from the CA yet");
        List<String> names = dnsNames(leaf);
        for (String domain : domains) {
            if (!names.contains(domain.toLowerCase(Locale.ROOT))) return Optional.of("names no " + domain);
        }
        Duration left = Duration.between(clock.instant(), leaf.getNotAfter().toInstant());
        if (left.compareTo(settings.renewBefore()) < 0) return Optional.of("expires in " + left.toDays() + "d");
        return Optional.empty();
    }

    /**
     * The wait before the next check: until the renewal falls due, at most {@code check_interval}. A certificate
     * that is due as soon as it is issued (its lifetime no longer than {@code renew_before}) waits the whole
     * interval, so a short-lived certificate is not ordered again and again in a tight loop.
     */
    private Duration untilDue(Instant notAfter) {
        Duration untilDue = Duration.between(clock.instant(), notAfter.minus(settings.renewBefore()));
        if (untilDue.isNegative() || untilDue.isZero()) {
            log.warn("acme certificate is due for renewal as soon as issued notAfter={} renew_before={}: renewing at"
                    + " each check_interval={}; set renew_before to about a third of the lifetime", notAfter,
                    settings.renewBefore(), settings.checkInterval());
            return settings.checkInterval();
        }
        return untilDue.compareTo(settings.checkInterval()) < 0 ? untilDue : settings.checkInterval();
    }

    /** {@code retry} doubled per earlier failure, at most {@code check_interval}; not before the CA's Retry-After. */
    private Duration backoff(int failuresSoFar, Exception failure) {
        Duration wait = settings.retry();
        for (int i = 0; i < failuresSoFar && wait.compareTo(settings.checkInterval()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        if (wait.compareTo(settings.checkInterval()) > 0) wait = settings.checkInterval();
        if (failure instanceof AcmeRateLimitedException limited && limited.getRetryAfter().isPresent()) {
            Duration told = Duration.between(clock.instant(), limited.getRetryAfter().get());
            if (told.compareTo(wait) > 0) wait = told;
        }
        return wait;
    }

    /** The CA's problem document, or the failure with its causes ("Network error: ConnectException: ..."). */
    private static String reason(Exception e) {
        if (e instanceof AcmeServerException server) return AcmeOrder.describe(server.getProblem());
        StringBuilder reason = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        Throwable cause = e.getCause();
        String last = e.getClass().getSimpleName();
        for (int depth = 0; cause != null && depth < 4; depth++, cause = cause.getCause()) {
            String message = cause.getMessage();
            String name = cause.getClass().getSimpleName();
            if (message != null && reason.indexOf(message) >= 0 || name.equals(last) && message == null) continue;
            reason.append(": ").append(name);
            if (message != null) reason.append(" ").append(message);
            last = name;
        }
        return reason.toString();
    }

    private static List<String> dnsNames(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            if (leaf.getSubjectAlternativeNames() == null) return names;
            for (List<?> entry : leaf.getSubjectAlternativeNames()) {
                if (entry.get(0) instanceof Integer type && type == 2) { // RFC 5280 §4.2.1.6: dNSName
                    names.add(((String) entry.get(1)).toLowerCase(Locale.ROOT));
                }
            }
        } catch (CertificateParsingException e) {
            return names; // unreadable names: treated as naming nothing, so a new certificate is ordered
        }
        return names;
    }

    @Override
    public void close() {
        stop.countDown();
        Thread running = thread;
        if (running != null) {
            running.interrupt(); // ends a wait for the CA; the order is tried again at the next start
            try {
                if (!running.join(JOIN)) log.warn("acme renewer did not stop within {}", JOIN);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        responder.close();
    }
}
