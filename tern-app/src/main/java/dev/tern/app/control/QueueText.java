package dev.tern.app.control;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The human-readable forms of {@code tern queue}: a listing laid out like Postfix's {@code mailq}, a
 * message's details, and a table like {@code qshape}'s. Made from the channel's JSON lines, so text and
 * {@code --json} never disagree.
 */
public final class QueueText {
    private static final int SENDER_COLUMN = 36;
    private static final String INDENT = " ".repeat(SENDER_COLUMN);

    private QueueText() {}

    public static String listHeader() {
        return String.format("%-17s %8s %7s  %s%n", "-Queue ID-", "--Size--", "--Age--", "-Sender/Recipient-------");
    }

    /** One message of a listing: id ({@code !} when held), size, age and sender, then each recipient. */
    public static String listEntry(JsonValue.Obj entry, Instant now) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-17s %8d %7s  %s%n", entry.string("queue_id") + (entry.bool("held") ? "!" : ""),
                entry.number("message_size"), age(Duration.between(instant(entry, "arrival_time"), now)),
                sender(entry.string("sender"))));
        for (JsonValue.Obj rcpt : entry.objects("recipients")) {
            out.append(INDENT).append(rcpt.string("address")).append("  ").append(rcpt.string("status"))
                    .append(System.lineSeparator());
            String diagnostic = rcpt.string("diagnostic");
            if (!diagnostic.isEmpty()) out.append(INDENT).append("  (").append(diagnostic).append(')')
                    .append(System.lineSeparator());
        }
        return out.append(System.lineSeparator()).toString();
    }

    /** The closing line of a listing, as {@code mailq}: {@code -- 3 Kbytes in 2 Requests.} */
    public static String listFooter(long messages, long bytes) {
        if (messages == 0) return "Mail queue is empty" + System.lineSeparator();
        return "-- " + (bytes + 1023) / 1024 + " Kbytes in " + messages + (messages == 1 ? " Request." : " Requests.")
                + System.lineSeparator();
    }

    /** One message in full: envelope, attempts, and each recipient with its state and last diagnostic. */
    public static String show(JsonValue.Obj entry, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Queue ID", entry.string("queue_id")});
        rows.add(new String[] {"Sender", "<" + entry.string("sender") + ">"});
        Instant arrival = instant(entry, "arrival_time");
        rows.add(new String[] {"Arrival", arrival + " (" + age(Duration.between(arrival, now)) + " ago)"});
        rows.add(new String[] {"Size", entry.number("message_size") + " bytes"});
        rows.add(new String[] {"Attempts", Long.toString(entry.number("attempts"))});
        Instant next = instant(entry, "next_attempt");
        rows.add(new String[] {"Next attempt", next + (next.isAfter(now) ? " (in " + age(Duration.between(now, next)) + ")" : " (due)")});
        rows.add(new String[] {"Held", entry.bool("held") ? "yes" : "no"});
        String options = options(entry);
        if (!options.isEmpty()) rows.add(new String[] {"Options", options});
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) out.append(String.format("%-14s%s%n", row[0] + ":", row[1]));
        out.append("Recipients:").append(System.lineSeparator());
        for (JsonValue.Obj rcpt : entry.objects("recipients")) {
            out.append("  ").append(rcpt.string("address")).append("  ").append(rcpt.string("status"))
                    .append(System.lineSeparator());
            if (!rcpt.string("diagnostic").isEmpty()) {
                out.append("    ").append(rcpt.string("diagnostic")).append(System.lineSeparator());
            }
            String dsn = dsnParameters(rcpt);
            if (!dsn.isEmpty()) out.append("    ").append(dsn).append(System.lineSeparator());
        }
        return out.toString();
    }

    /** The qshape-like table: a TOTAL row, then one row per destination domain; columns are age buckets. */
    public static String summary(JsonValue.Obj shape) {
        List<String> buckets = shape.array("buckets").stream()
                .map(b -> b instanceof JsonValue.Str s ? s.value() : "?").toList();
        List<JsonValue.Obj> domains = shape.objects("domains");
        int width = Math.max("TOTAL".length(),
                domains.stream().mapToInt(d -> d.string("domain").length()).max().orElse(0));
        StringBuilder out = new StringBuilder();
        out.append(String.format("%" + width + "s %6s", "", "T"));
        for (String bucket : buckets) out.append(String.format(" %5s", bucket));
        out.append(System.lineSeparator());
        shape.object("total").ifPresent(t -> row(out, width, "TOTAL", t));
        for (JsonValue.Obj d : domains) row(out, width, d.string("domain"), d);
        return out.toString();
    }

    private static void row(StringBuilder out, int width, String name, JsonValue.Obj counts) {
        out.append(String.format("%" + width + "s %6d", name, counts.number("messages")));
        for (JsonValue age : counts.array("ages")) {
            out.append(String.format(" %5s", age instanceof JsonValue.Num n ? n.text() : "?"));
        }
        out.append(System.lineSeparator());
    }

    /** A short age: {@code 45s}, {@code 12m}, {@code 3h05m}, {@code 2d04h}. */
    public static String age(Duration age) {
        long s = Math.max(0, age.toSeconds());
        if (s < 60) return s + "s";
        if (s < 3600) return s / 60 + "m";
        if (s < 86400) return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        return String.format(Locale.ROOT, "%dd%02dh", s / 86400, s % 86400 / 3600);
    }

    private static String sender(String sender) {
        return sender.isEmpty() ? "MAILER-DAEMON" : sender; // the null reverse-path, as mailq shows it
    }

    private static Instant instant(JsonValue.Obj entry, String name) {
        return Instant.ofEpochSecond(entry.number(name));
    }

    private static String options(JsonValue.Obj entry) {
        List<String> words = new ArrayList<>();
        if (!entry.string("body").isEmpty()) words.add("BODY=" + entry.string("body").toUpperCase(Locale.ROOT));
        if (entry.bool("smtputf8")) words.add("SMTPUTF8");
        if (!entry.string("ret").isEmpty()) words.add("RET=" + entry.string("ret").toUpperCase(Locale.ROOT));
        if (!entry.string("envid").isEmpty()) words.add("ENVID=" + entry.string("envid"));
        if (entry.number("declared_size") > 0) words.add("SIZE=" + entry.number("declared_size"));
        return String.join(" ", words);
    }

    private static String dsnParameters(JsonValue.Obj rcpt) {
        List<String> words = new ArrayList<>();
        List<String> notify = rcpt.array("notify").stream()
                .map(n -> n instanceof JsonValue.Str s ? s.value().toUpperCase(Locale.ROOT) : "?").toList();
        if (!notify.isEmpty()) words.add("NOTIFY=" + String.join(",", notify));
        if (!rcpt.string("orcpt").isEmpty()) words.add("ORCPT=" + rcpt.string("orcpt"));
        return String.join(" ", words);
    }
}
