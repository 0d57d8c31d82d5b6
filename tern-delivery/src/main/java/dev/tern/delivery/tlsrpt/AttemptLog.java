package dev.tern.delivery.tlsrpt;

import dev.tern.delivery.tlsrpt.DayTally.FailureKey;
import dev.tern.delivery.tlsrpt.DayTally.Policy;
import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.delivery.tlsrpt.TlsAttempt.PolicyType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The day files of attempts, {@code attempts-<day>.log} in {@link RecordFile}'s line format: a header
 * {@code tlsrpt-attempts 1}, a {@code P} record naming a policy's number, domain, type and strings the first time the
 * file sees it, then one {@code A} record per attempt ({@code A <number> ok}, or
 * {@code A <number> <result-type> <mx> <ip> <detail>}). A policy may be named again under a new number (after a
 * write failure, or for a late attempt of an older day); replay reads in order, so that is harmless.
 *
 * <p>An instance is the writer; it is used by one thread only (the store's writer thread) and keeps one file open.
 */
final class AttemptLog {
    private static final Logger log = LoggerFactory.getLogger(AttemptLog.class);
    private static final List<String> ATTEMPTS_HEADER = List.of("tlsrpt-attempts", "1");

    /** One day file's policy numbers, and the next free one (numbers are never reused within a file). */
    static final class DayIds {
        final Map<Policy, Integer> ids = new HashMap<>();
        int next;
    }

    private final Path directory;
    private final Map<LocalDate, DayIds> ids;
    private LocalDate openDay;
    private FileChannel channel;

    AttemptLog(Path directory, Map<LocalDate, DayIds> ids) {
        this.directory = directory;
        this.ids = ids;
    }

    void write(List<TlsAttempt> batch) {
        Map<LocalDate, ByteArrayOutputStream> lines = new TreeMap<>();
        for (TlsAttempt attempt : batch) {
            LocalDate day = LocalDate.ofInstant(attempt.at(), ZoneOffset.UTC);
            ByteArrayOutputStream out = lines.computeIfAbsent(day, d -> new ByteArrayOutputStream());
            DayIds known = ids.computeIfAbsent(day, d -> new DayIds());
            Policy policy = policyOf(attempt);
            Integer id = known.ids.get(policy);
            if (id == null) {
                id = known.next++;
                known.ids.put(policy, id);
                List<String> fields = new ArrayList<>(List.of("P", id.toString(), policy.domain(),
                        policy.type().token()));
                fields.addAll(policy.strings());
                RecordFile.append(out, fields);
            }
            RecordFile.append(out, attempt.failure().isEmpty() ? List.of("A", id.toString(), "ok")
                    : List.of("A", id.toString(), attempt.failure().get().token(), attempt.mxHost(),
                    attempt.receivingIp().orElse(""), attempt.detail()));
        }
        lines.forEach(this::append);
    }

    private void append(LocalDate day, ByteArrayOutputStream out) {
        try {
            if (!day.equals(openDay)) {
                close();
                // Late attempts of an older day get their policies written again, which replay allows.
                ids.keySet().removeIf(d -> d.isBefore(day.minusDays(2)));
                Path file = directory.resolve("attempts-" + day + ".log");
                boolean fresh = !Files.exists(file) || Files.size(file) == 0;
                channel = RecordFile.openForAppend(file);
                openDay = day;
                if (fresh) RecordFile.write(channel, RecordFile.encode(ATTEMPTS_HEADER));
            }
            RecordFile.write(channel, out.toByteArray());
        } catch (IOException e) {
            log.warn("tlsrpt day={} attempts not written: {}", day, e.toString());
            ids.remove(day); // its policy records may be lost too: write them again with the next attempt
            close();
        }
    }

    void close() {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("tlsrpt closing day file: {}", e.toString());
        }
        channel = null;
        openDay = null;
    }

    static Policy policyOf(TlsAttempt attempt) {
        return new Policy(attempt.policyDomain(), attempt.policy(), attempt.policyStrings());
    }

    /**
     * Replays {@code file} (the attempts of {@code day}) into {@code sink}, and records the day's policy numbers in
     * {@code ids} for appending; returns how many damaged lines were skipped.
     */
    static int replay(Path file, LocalDate day, Map<LocalDate, DayIds> ids,
                      BiConsumer<Policy, Optional<FailureKey>> sink) throws IOException {
        Map<Integer, Policy> policies = new HashMap<>();
        boolean[] versioned = {false};
        int skipped = RecordFile.read(file, fields -> {
            if (fields.equals(ATTEMPTS_HEADER)) {
                versioned[0] = true;
            } else if (versioned[0]) {
                replayAttempt(fields, policies, sink);
            }
        });
        DayIds known = new DayIds();
        // Every number still naming a policy at the file's end is right for it; new ones go above all numbers used.
        policies.forEach((id, policy) -> {
            known.next = Math.max(known.next, id + 1);
            known.ids.put(policy, id);
        });
        ids.put(day, known);
        return skipped;
    }

    private static void replayAttempt(List<String> fields, Map<Integer, Policy> policies,
                                      BiConsumer<Policy, Optional<FailureKey>> sink) {
        try {
            if (fields.getFirst().equals("P") && fields.size() >= 4) {
                Optional<PolicyType> type = policyType(fields.get(3));
                if (type.isEmpty()) return;
                policies.put(Integer.parseInt(fields.get(1)), new Policy(fields.get(2), type.get(),
                        fields.subList(4, fields.size())));
            } else if (fields.getFirst().equals("A") && fields.size() >= 3) {
                Policy policy = policies.get(Integer.parseInt(fields.get(1)));
                if (policy == null) return; // its P record was lost
                Optional<FailureKey> failure = Optional.empty();
                if (!fields.get(2).equals("ok")) {
                    Optional<FailureType> type = failureType(fields.get(2));
                    if (type.isEmpty() || fields.size() != 6) return;
                    failure = Optional.of(new FailureKey(type.get(), fields.get(3),
                            fields.get(4).isEmpty() ? Optional.empty() : Optional.of(fields.get(4)), fields.get(5)));
                }
                sink.accept(policy, failure);
            }
        } catch (NumberFormatException e) {
            log.debug("tlsrpt record with a bad number skipped: {}", fields); // damaged, like a bad checksum
        }
    }

    static Optional<PolicyType> policyType(String token) {
        for (PolicyType type : PolicyType.values()) if (type.token().equals(token)) return Optional.of(type);
        return Optional.empty();
    }

    static Optional<FailureType> failureType(String token) {
        for (FailureType type : FailureType.values()) if (type.token().equals(token)) return Optional.of(type);
        return Optional.empty();
    }
}
