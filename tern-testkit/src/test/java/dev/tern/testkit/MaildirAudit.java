package dev.tern.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Compares the Maildirs with the crash test's {@link Ledger}: every acknowledged message exactly once in each of
 * its recipients' mailboxes, nothing twice, nothing that was not sent, nothing cut short, and no leftover in
 * {@code tmp/} whose delivery did not end up in {@code new/} (a leftover itself is normal after a kill: readers
 * never look in {@code tmp/}, maildir.txt).
 */
final class MaildirAudit {
    /** Tern's unique names: {@code <epochSeconds>.<deliveryId>.<hostname>} (docs/maildir.md). */
    private static final Pattern UNIQUE = Pattern.compile("\\d+\\.([A-Za-z0-9]+)\\..*");

    record Result(List<String> problems, int files, Set<String> unacknowledgedDelivered, int tmpLeftovers) {}

    private final Ledger ledger;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> unacknowledgedDelivered = new HashSet<>();
    private int files;
    private int tmpLeftovers;

    private MaildirAudit(Ledger ledger) {
        this.ledger = ledger;
    }

    /** Audits the mailboxes under {@code domainDirectory} ({@code <data>/mail/localhost}). */
    static Result run(Path domainDirectory, Ledger ledger) throws IOException {
        MaildirAudit audit = new MaildirAudit(ledger);
        Map<String, Map<String, List<Path>>> found = new HashMap<>();
        for (Path mailbox : list(domainDirectory)) {
            String name = mailbox.getFileName().toString();
            if (!CrashMail.MAILBOXES.contains(name)) audit.problems.add("unexpected mailbox " + mailbox);
            found.put(name, audit.mailbox(mailbox, name));
        }
        Set<String> acknowledged = ledger.acknowledged();
        for (String marker : acknowledged) {
            for (String recipient : ledger.sent(marker).orElseThrow().recipients()) {
                if (found.getOrDefault(recipient, Map.of()).getOrDefault(marker, List.of()).isEmpty()) {
                    audit.problems.add("LOST: acknowledged " + marker + " is not in " + recipient + "'s mailbox");
                }
            }
        }
        return new Result(List.copyOf(audit.problems), audit.files, Set.copyOf(audit.unacknowledgedDelivered),
                audit.tmpLeftovers);
    }

    /** Checks one mailbox's visible files and tmp/; returns its files by marker. */
    private Map<String, List<Path>> mailbox(Path maildir, String name) throws IOException {
        Map<String, List<Path>> byMarker = new HashMap<>();
        Set<String> deliveryIds = new HashSet<>();
        for (String folder : List.of("new", "cur")) {
            for (Path file : list(maildir.resolve(folder))) {
                files++;
                deliveryId(file).ifPresent(deliveryIds::add);
                String marker = check(file, name);
                if (marker != null) byMarker.computeIfAbsent(marker, m -> new ArrayList<>()).add(file);
            }
        }
        byMarker.forEach((marker, copies) -> {
            if (copies.size() > 1) {
                problems.add("DUPLICATE: " + marker + " is " + copies.size() + " times in " + name + "'s mailbox: "
                        + copies.stream().map(p -> p.getFileName().toString()).toList());
            }
        });
        for (Path leftover : list(maildir.resolve("tmp"))) {
            tmpLeftovers++;
            Optional<String> id = deliveryId(leftover);
            if (id.isEmpty() || !deliveryIds.contains(id.get())) {
                problems.add("tmp/ leftover whose delivery never completed: " + leftover);
            }
        }
        return byMarker;
    }

    /** Checks one visible file against what was sent; returns its marker, or null if it has none. */
    private String check(Path file, String mailbox) throws IOException {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        String marker = CrashMail.markerIn(content);
        if (marker == null) {
            problems.add("visible file without a test marker (" + content.length() + " chars): " + file);
            return null;
        }
        Optional<Ledger.Sent> sent = ledger.sent(marker);
        if (sent.isEmpty()) {
            problems.add("file with a marker that was never sent: " + file);
            return marker;
        }
        if (!sent.get().recipients().contains(mailbox)) problems.add(marker + " delivered to non-recipient: " + file);
        if (!ledger.isAcknowledged(marker)) unacknowledgedDelivered.add(marker);
        boolean traced = content.startsWith("Return-Path: <client")
                && content.contains("\nDelivered-To: " + mailbox + "@" + CrashMail.DOMAIN + "\n");
        if (!traced || !content.endsWith(CrashMail.text(marker, sent.get().recipients()))) {
            problems.add("CORRUPT or incomplete copy of " + marker + " (" + content.length() + " chars): " + file);
        }
        return marker;
    }

    static Optional<String> deliveryId(Path file) {
        Matcher m = UNIQUE.matcher(file.getFileName().toString());
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** A directory's entries without dot files (maildir.txt: readers skip them); none if it does not exist. */
    static List<Path> list(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) return List.of();
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }
}
