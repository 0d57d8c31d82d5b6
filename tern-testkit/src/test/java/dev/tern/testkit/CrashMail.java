package dev.tern.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * The crash test's messages: who gets message {@code m} of client {@code c}, and its exact content, both
 * derived from the marker alone, so that the audit can rebuild what each delivered file must end with.
 */
final class CrashMail {
    static final String DOMAIN = "localhost";
    static final List<String> MAILBOXES = List.of("alice", "bob", "carol");

    private CrashMail() {}

    static String marker(int client, int message) {
        return "c" + client + "-m" + message;
    }

    /** One mailbox mostly; two for every third message; all three for every tenth. */
    static List<String> recipients(int client, int message) {
        int first = (client + message) % MAILBOXES.size();
        int count = message % 10 == 9 ? 3 : message % 3 == 0 ? 2 : 1;
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < count; i++) recipients.add(MAILBOXES.get((first + i) % MAILBOXES.size()));
        return List.copyOf(recipients);
    }

    /**
     * The content as the client writes it, with LF line endings (the wire form replaces them by CRLF; the
     * Maildir copy has LF). Mostly a few lines; one in sixteen about 70 KiB; one in 128 about 2.6 MiB, which is
     * above the spool's in-memory limit, so it goes through a spill file.
     */
    static String text(String marker, List<String> recipients) {
        int bucket = Math.floorMod(marker.hashCode() * 31 + 7, 128);
        int lines = bucket == 0 ? 33_000 : bucket < 8 ? 900 : 5 + bucket % 20;
        StringBuilder text = new StringBuilder(lines * 76 + 300);
        text.append("From: <load@client.test>\n");
        text.append("To: ").append(String.join(", ", recipients.stream().map(r -> "<" + r + "@" + DOMAIN + ">").toList()))
                .append('\n');
        text.append("Subject: crash test ").append(marker).append('\n');
        text.append("X-Test-Id: ").append(marker).append('\n');
        text.append("Message-ID: <").append(marker).append("@client.test>\n\n");
        for (int i = 0; i < lines; i++) {
            text.append(marker).append(" line ").append(i).append(" the quick brown fox jumps over the lazy dog 0123456789\n");
        }
        return text.append("end ").append(marker).append('\n').toString();
    }

    /** The marker in a delivered file's header, or null when there is none. */
    static String markerIn(String delivered) {
        int header = delivered.indexOf("\nX-Test-Id: ");
        if (header < 0) return null;
        int start = header + "\nX-Test-Id: ".length();
        int end = delivered.indexOf('\n', start);
        return end < 0 ? null : delivered.substring(start, end);
    }
}
