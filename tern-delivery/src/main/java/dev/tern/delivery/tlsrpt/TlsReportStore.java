package dev.tern.delivery.tlsrpt;

import dev.tern.delivery.tlsrpt.DayTally.FailureKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TlsReporter} that keeps the counts: attempts aggregated per UTC day, policy domain and policy (RFC 8460
 * §4.4), and which reports were sent.
 *
 * <p>Persistence: each attempt is appended as a small record to {@code attempts-<day>.log} (a policy's strings once
 * per day file, then only its number), by a writer virtual thread that this class owns, without fsync. A restart
 * replays the files, so the day's counts survive it; what the writer had not yet written when the process died is
 * lost, which is acceptable for telemetry. Damaged or torn records are skipped. {@link #record} only counts in
 * memory and hands the attempt to the writer through a bounded queue (full: the attempt is counted but not written).
 *
 * <p>The sent ledger ({@code sent-<day>.log}) is written and forced to disk before {@link #markSent} returns, so a
 * report is not sent twice across a restart. Days older than {@link TlsRptSettings#keepDays()} are pruned.
 */
public final class TlsReportStore implements TlsReporter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsReportStore.class);
    private static final List<String> SENT_HEADER = List.of("tlsrpt-sent", "1");
    private static final int QUEUE = 8192;
    private static final int MAX_POLICY_STRINGS = 100;
    private static final int MAX_STRING = 1000;
    /** The destination under which a domain's day is marked finished. */
    private static final String ALL = "*";
    private static final Object STOP = new Object();

    private final TlsRptSettings settings;
    private final Clock clock;
    private final Object lock = new Object();
    private final TreeMap<LocalDate, DayTally> days = new TreeMap<>();
    private final Map<LocalDate, Set<String>> sent = new HashMap<>();
    /** {@link TlsAttempt}s, {@link CountDownLatch} barriers of {@link #flush}, and {@link #STOP}. */
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AttemptLog writer;
    private final Thread writerThread;
    private long unwritten;
    private volatile boolean closed;

    private TlsReportStore(TlsRptSettings settings, Clock clock, Map<LocalDate, AttemptLog.DayIds> ids) {
        this.settings = settings;
        this.clock = clock;
        this.writer = new AttemptLog(settings.directory(), ids);
        this.writerThread = Thread.ofVirtual().name("tlsrpt-writer").unstarted(this::writeLoop);
    }

    /** The settings it was opened with (the sender's too). */
    public TlsRptSettings settings() {
        return settings;
    }

    /** Opens the store in {@code settings.directory()}, replaying its day files, and starts the writer. */
    public static TlsReportStore open(TlsRptSettings settings, Clock clock) throws IOException {
        Files.createDirectories(settings.directory());
        Map<LocalDate, AttemptLog.DayIds> ids = new HashMap<>();
        TlsReportStore store = new TlsReportStore(settings, clock, ids);
        store.replay(ids);
        store.writerThread.start();
        return store;
    }

    @Override
    public void record(TlsAttempt attempt) {
        try {
            if (closed || !settings.enabled()) return;
            LocalDate day = LocalDate.ofInstant(attempt.at(), ZoneOffset.UTC);
            if (!day.isAfter(today().minusDays(settings.keepDays()))) return; // older than anything kept
            TlsAttempt normal = normalize(attempt);
            synchronized (lock) {
                count(day, normal);
                if (!queue.offer(normal) && Long.bitCount(++unwritten) == 1) {
                    log.warn("tlsrpt writer behind, {} attempts counted but not written", unwritten);
                }
            }
        } catch (RuntimeException e) {
            log.warn("tlsrpt attempt not recorded: {}", e.toString()); // a reporter never fails a delivery
        }
    }

    /** The days with counts, oldest first. */
    public List<LocalDate> days() {
        synchronized (lock) {
            return List.copyOf(days.keySet());
        }
    }

    /** The policy domains {@code day} saw, sorted. */
    public List<String> domains(LocalDate day) {
        synchronized (lock) {
            DayTally tally = days.get(day);
            return tally == null ? List.of() : tally.domains();
        }
    }

    /** {@code domain}'s report for {@code day}, or empty when that day saw no session for it. */
    public Optional<TlsReport> report(LocalDate day, String domain) {
        // RFC 8460 §4.4 report-id: any unique string; this one is stable, so a resent report is recognisable.
        String reportId = day + "." + domain + "@" + settings.submitter().name();
        synchronized (lock) {
            DayTally tally = days.get(day);
            if (tally == null) return Optional.empty();
            return tally.report(day, domain, settings.organizationName(), settings.contactInfo(), reportId);
        }
    }

    /** True when {@code day}'s report for {@code domain} went to {@code destination} (a rua URI) already. */
    public boolean sent(LocalDate day, String domain, String destination) {
        synchronized (lock) {
            return sent.getOrDefault(day, Set.of()).contains(domain + "\t" + destination);
        }
    }

    /** True when {@code day} needs nothing more for {@code domain}: sent everywhere, or no TLS-RPT record. */
    public boolean finished(LocalDate day, String domain) {
        return sent(day, domain, ALL);
    }

    /** Remembers, durably, that {@code day}'s report for {@code domain} went to {@code destination}. */
    public void markSent(LocalDate day, String domain, String destination) throws IOException {
        if (destination.equals(ALL)) throw new IllegalArgumentException("not a destination");
        ledger(day, domain, destination);
    }

    /** Remembers, durably, that {@code day} needs nothing more for {@code domain}. */
    public void markFinished(LocalDate day, String domain) throws IOException {
        ledger(day, domain, ALL);
    }

    /** Deletes the files and counts of days older than {@link TlsRptSettings#keepDays()} before today. */
    public void prune() throws IOException {
        LocalDate oldestKept = today().minusDays(settings.keepDays() - 1L);
        List<LocalDate> gone;
        synchronized (lock) {
            gone = List.copyOf(days.headMap(oldestKept).keySet());
            days.headMap(oldestKept).clear();
            sent.keySet().removeIf(day -> day.isBefore(oldestKept));
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(settings.directory(), "*.log")) {
            for (Path file : files) {
                Optional<LocalDate> day = dayOf(file);
                if (day.isPresent() && day.get().isBefore(oldestKept)) Files.deleteIfExists(file);
            }
        }
        if (!gone.isEmpty()) log.info("tlsrpt pruned days={}", gone);
    }

    /** Waits (at most 10 s) until the writer has written what was recorded before this call. */
    public void flush() {
        CountDownLatch written = new CountDownLatch(1);
        try {
            if (!closed && queue.offer(written, 10, TimeUnit.SECONDS)) written.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the writer after it wrote what is queued; later attempts are dropped. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            queue.put(STOP);
            writerThread.join(java.time.Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private void count(LocalDate day, TlsAttempt attempt) {
        DayTally tally = days.computeIfAbsent(day, d -> new DayTally(settings.maxFailureDetails()));
        tally.add(AttemptLog.policyOf(attempt), attempt.failure().map(type -> new FailureKey(type, attempt.mxHost(),
                attempt.receivingIp(), attempt.detail())));
    }

    /** Bounds what one attempt may put on disk and in memory. */
    private static TlsAttempt normalize(TlsAttempt attempt) {
        String domain = attempt.policyDomain().toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
        List<String> strings = attempt.policyStrings().stream().limit(MAX_POLICY_STRINGS).map(s -> cut(s, MAX_STRING))
                .toList();
        return new TlsAttempt(attempt.at(), cut(domain, 255), attempt.policy(), strings, cut(attempt.mxHost(), 255),
                attempt.receivingIp().map(ip -> cut(ip, 64)), attempt.failure(), cut(attempt.detail(), 500));
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    private void ledger(LocalDate day, String domain, String destination) throws IOException {
        Path file = settings.directory().resolve("sent-" + day + ".log");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!Files.exists(file)) RecordFile.append(out, SENT_HEADER);
        RecordFile.append(out, List.of("S", domain, destination));
        try (FileChannel channel = RecordFile.openForAppend(file)) {
            RecordFile.write(channel, out.toByteArray());
            channel.force(false);
        }
        synchronized (lock) {
            sent.computeIfAbsent(day, d -> new HashSet<>()).add(domain + "\t" + destination);
        }
    }

    private void replay(Map<LocalDate, AttemptLog.DayIds> ids) throws IOException {
        LocalDate oldestKept = today().minusDays(settings.keepDays() - 1L);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(settings.directory(), "*.log")) {
            for (Path file : files) {
                Optional<LocalDate> day = dayOf(file);
                if (day.isEmpty() || day.get().isBefore(oldestKept)) continue; // pruned on the next run
                String name = file.getFileName().toString();
                LocalDate d = day.get();
                int skipped = name.startsWith("attempts-")
                        ? AttemptLog.replay(file, d, ids, (policy, failure) -> days.computeIfAbsent(d,
                                x -> new DayTally(settings.maxFailureDetails())).add(policy, failure))
                        : replaySent(file, d);
                if (skipped > 0) log.warn("tlsrpt file={} damaged records skipped={}", file, skipped);
            }
        }
    }

    private int replaySent(Path file, LocalDate day) throws IOException {
        return RecordFile.read(file, fields -> {
            if (fields.size() == 3 && fields.getFirst().equals("S")) {
                sent.computeIfAbsent(day, d -> new HashSet<>()).add(fields.get(1) + "\t" + fields.get(2));
            }
        });
    }

    private void writeLoop() {
        List<Object> batch = new ArrayList<>();
        List<TlsAttempt> attempts = new ArrayList<>();
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch, 1024);
                for (Object item : batch) if (item instanceof TlsAttempt attempt) attempts.add(attempt);
                writer.write(attempts);
                for (Object item : batch) if (item instanceof CountDownLatch written) written.countDown();
                boolean stop = batch.contains(STOP);
                batch.clear();
                attempts.clear();
                if (stop) return;
            }
        } catch (InterruptedException e) {
            log.warn("tlsrpt writer interrupted; unwritten attempts are lost");
        }
    }

    static Optional<LocalDate> dayOf(Path file) {
        String name = file.getFileName().toString();
        int dash = name.indexOf('-');
        if (dash < 0 || !name.endsWith(".log")) return Optional.empty();
        try {
            return Optional.of(LocalDate.parse(name.substring(dash + 1, name.length() - 4)));
        } catch (DateTimeParseException e) {
            return Optional.empty(); // not one of ours
        }
    }

}
