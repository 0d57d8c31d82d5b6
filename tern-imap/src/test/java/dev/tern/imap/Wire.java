package dev.tern.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test notation: {@code ⏎} is CRLF. Runs text through a {@link CommandReader} and lists what it said. */
final class Wire {
    private Wire() {}

    static byte[] octets(String text) {
        return text.replace("⏎", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The one command in {@code text} (which may hold literals), as the reader collects it. */
    static RawCommand command(String text) {
        CommandReader reader = new CommandReader(ReaderLimits.defaults());
        reader.feed(octets(text.endsWith("⏎") ? text : text + "⏎"));
        for (int i = 0; i < 100; i++) {
            Read r = reader.next();
            if (r instanceof Read.Complete c) return c.command();
            if (r instanceof Read.NeedMore || r instanceof Read.Rejected) throw new AssertionError("no command in " + text + ": " + r);
        }
        throw new AssertionError("no command after 100 reads");
    }

    /** Every event of the reader over {@code octets}, fed in the pieces given by the cut points. */
    static List<String> events(CommandReader reader, byte[] octets, int... cuts) {
        List<String> events = new ArrayList<>();
        int from = 0;
        for (int k = 0; k <= cuts.length; k++) {
            int to = k < cuts.length ? cuts[k] : octets.length;
            reader.feed(octets, from, to - from);
            from = to;
            drain(reader, events);
        }
        return events;
    }

    static void drain(CommandReader reader, List<String> events) {
        for (int guard = 0; guard < 10_000; guard++) {
            switch (reader.next()) {
                case Read.NeedMore n -> {
                    return;
                }
                case Read.SendContinuation s -> events.add("+" + s.octets());
                case Read.Complete c -> events.add(render(c.command()));
                case Read.Rejected r -> events.add(ResponseEncoder.encodeToString(r.reply(), TextMode.UTF8).strip());
            }
        }
        throw new AssertionError("reader did not settle");
    }

    static String render(RawCommand command) {
        StringBuilder s = new StringBuilder();
        if (command.octets() == 0) return "<empty>";
        for (int i = 0; i < command.lines().size(); i++) {
            s.append(new String(command.lines().get(i), StandardCharsets.UTF_8));
            if (i < command.literals().size()) s.append('|').append(new String(command.literals().get(i), StandardCharsets.UTF_8)).append('|');
        }
        return s.toString();
    }
}
