package dev.tern.delivery.tlsrpt;

import dev.tern.delivery.tlsrpt.TlsReportPolicy.Destination;
import dev.tern.delivery.tlsrpt.TlsReportPolicy.Discovery;
import dev.tern.dns.Resolver;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.spool.MessageWriter;
import dev.tern.spool.Spool;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each finished day's reports (RFC 8460 §5): for every policy domain the day saw, if its {@code _smtp._tls}
 * record names destinations, a mail to each {@code mailto:} rua (queued in the spool from the null reverse-path) and
 * a POST to each {@code https:} rua. What went where is remembered in the store, so a restart sends nothing twice; a
 * destination that failed (HTTP error, DNS temporary failure, spool full) is tried again at the next run until the
 * day is pruned.
 *
 * <p>{@link #start()} starts a virtual thread, owned by this object, that runs {@link #sendDue()} once a day at
 * {@link TlsRptSettings#sendHour()} UTC plus a random part of {@link TlsRptSettings#jitter()}; {@link #close()} stops
 * it. Tests call {@link #sendDue()} directly.
 */
public final class TlsReportSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsReportSender.class);
    private static final Duration MAX_WAIT = Duration.ofMinutes(1);

    private final TlsRptSettings settings;
    private final TlsReportStore store;
    private final Resolver resolver;
    private final Spool spool;
    private final HttpClient http;
    private final java.util.function.Function<byte[], byte[]> signer;
    private final Clock clock;
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread thread;

    /** What one run did, per destination (or per domain for the policy outcomes). */
    public record Run(int mailed, int posted, int failed, int withoutPolicy) {}

    public TlsReportSender(TlsRptSettings settings, TlsReportStore store, Resolver resolver, Spool spool,
                           HttpClient http, Clock clock) {
        this(settings, store, resolver, spool, http, clock, message -> new byte[0]);
    }

    /**
     * As the other constructor; {@code signer} gives the fields (DKIM-Signature) to put in front of each report mail:
     * RFC 8460 §5.3 asks for report mail to be DKIM-signed, and receivers may ignore it otherwise.
     */
    public TlsReportSender(TlsRptSettings settings, TlsReportStore store, Resolver resolver, Spool spool,
                           HttpClient http, Clock clock, java.util.function.Function<byte[], byte[]> signer) {
        if (settings == null || store == null || resolver == null || spool == null || http == null || clock == null
                || signer == null) {
            throw new IllegalArgumentException("the sender needs all its parts");
        }
        this.signer = signer;
        this.settings = settings;
        this.store = store;
        this.resolver = resolver;
        this.spool = spool;
        this.http = http;
        this.clock = clock;
    }

    /** The HTTP client for https rua POSTs: the JDK's trust store, no redirects, the configured connect timeout. */
    public static HttpClient httpClient(TlsRptSettings settings) {
        return HttpClient.newBuilder().connectTimeout(settings.httpTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Starts the daily run; a no-op when TLS-RPT is disabled. */
    public synchronized void start() {
        if (!settings.enabled() || thread != null) return;
        thread = Thread.ofVirtual().name("tlsrpt-sender").start(this::loop);
    }

    /** Sends every report due: each day before today (UTC) with domains not yet finished; then prunes. */
    public Run sendDue() {
        int[] counts = new int[4];
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        for (LocalDate day : store.days()) {
            if (!day.isBefore(today)) continue;
            for (String domain : store.domains(day)) {
                if (store.finished(day, domain)) continue;
                try {
                    send(day, domain, counts);
                } catch (IOException | RuntimeException e) {
                    counts[2]++;
                    log.warn("tlsrpt day={} domain={} not reported: {}", day, domain, e.toString());
                }
            }
        }
        try {
            store.prune();
        } catch (IOException e) {
            log.warn("tlsrpt prune failed: {}", e.toString());
        }
        return new Run(counts[0], counts[1], counts[2], counts[3]);
    }

    private void send(LocalDate day, String domain, int[] counts) throws IOException {
        Optional<TlsReport> report = store.report(day, domain);
        if (report.isEmpty()) return;
        switch (TlsReportPolicy.lookup(resolver, domain)) {
            case Discovery.None none -> {
                counts[3]++;
                log.debug("tlsrpt domain={} no report: {}", domain, none.reason());
                store.markFinished(day, domain);
            }
            case Discovery.TempFail fail -> {
                counts[2]++;
                log.info("tlsrpt domain={} record lookup failed, next run retries: {}", domain, fail.reason());
            }
            case Discovery.Published published -> {
                boolean all = true;
                for (Destination destination : published.policy().destinations()) {
                    if (store.sent(day, domain, destination.uri())) continue;
                    if (deliver(report.get(), destination)) {
                        counts[destination instanceof Destination.Mail ? 0 : 1]++;
                        store.markSent(day, domain, destination.uri());
                    } else {
                        counts[2]++;
                        all = false;
                    }
                }
                if (all) store.markFinished(day, domain);
            }
        }
    }

    private boolean deliver(TlsReport report, Destination destination) {
        return switch (destination) {
            case Destination.Mail mail -> queue(report, mail);
            case Destination.Https https -> post(report, https);
        };
    }

    /**
     * Queues the report mail from the null reverse-path: RFC 8460 §5.3 wants no report about reports, and a bounce of
     * an automatic report helps nobody (RFC 3834 §3.3); a failure reaches only the local postmaster's double-bounce
     * notice. Committed as ordinary mail, not from the spool's reserve: telemetry must not use up the space kept for
     * DSNs.
     */
    private boolean queue(TlsReport report, Destination.Mail mail) {
        byte[] content = TlsReportMail.compose(report, settings.submitter(), settings.reportingAddress(),
                mail.mailbox(), clock.instant());
        MailOptions options = new MailOptions(content.length, MailOptions.Body.SEVEN_BIT, mail.mailbox().isUtf8(),
                MailOptions.Ret.UNSPECIFIED, "");
        try (MessageWriter writer = spool.begin()) {
            writer.write(content, 0, content.length);
            writer.commit(new Envelope(ReversePath.NULL, List.of(Recipient.of(mail.mailbox())), options),
                    signer.apply(content), 0);
            log.info("tlsrpt queued id={} domain={} day={} to=<{}>", writer.id(), report.policyDomain(), report.day(),
                    mail.mailbox());
            return true;
        } catch (IOException e) {
            log.warn("tlsrpt domain={} to=<{}> not queued: {}", report.policyDomain(), mail.mailbox(), e.toString());
            return false;
        }
    }

    /** RFC 8460 §5.4: POST the gzipped report as application/tlsrpt+gzip; any 2xx is success. */
    private boolean post(TlsReport report, Destination.Https https) {
        HttpRequest request = HttpRequest.newBuilder(https.target()).timeout(settings.httpTimeout())
                .header("Content-Type", "application/tlsrpt+gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(report.gzip())).build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            // The body is not read: closing it ends the exchange, so an endless body cannot hold the run.
            response.body().close();
            boolean ok = response.statusCode() / 100 == 2;
            log.info("tlsrpt posted domain={} day={} url={} status={}", report.policyDomain(), report.day(),
                    https.uri(), response.statusCode());
            return ok;
        } catch (IOException e) {
            log.warn("tlsrpt domain={} url={} post failed: {}", report.policyDomain(), https.uri(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The next run after {@code now}: the coming {@code sendHour}:00 UTC plus {@code jitter}. */
    static Instant nextRun(Instant now, int sendHour, Duration jitter) {
        Instant today = LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant()
                .plus(Duration.ofHours(sendHour)).plus(jitter);
        return today.isAfter(now) ? today : today.plus(Duration.ofDays(1));
    }

    private void loop() {
        try {
            while (true) {
                long jitterMillis = settings.jitter().toMillis();
                Duration jitter = Duration.ofMillis(jitterMillis == 0 ? 0
                        : ThreadLocalRandom.current().nextLong(jitterMillis));
                Instant next = nextRun(clock.instant(), settings.sendHour(), jitter);
                while (clock.instant().isBefore(next)) {
                    Duration wait = Duration.between(clock.instant(), next);
                    if (wait.compareTo(MAX_WAIT) > 0) wait = MAX_WAIT; // re-read the clock: it may jump
                    if (stop.await(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS)) return;
                }
                Run run = sendDue();
                log.info("tlsrpt run mailed={} posted={} failed={} withoutPolicy={}", run.mailed(), run.posted(),
                        run.failed(), run.withoutPolicy());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("tlsrpt sender stopped", e);
        }
    }

    /** Stops the daily run, waiting (bounded) for a run in progress. */
    @Override
    public void close() {
        stop.countDown();
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running == null) return;
        try {
            running.join(settings.httpTimeout().plusSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
