package dev.tern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.mail.QueueId;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * Drives an {@link SmtpSession} from a transcript, in memory. The greeting is taken first. Lines:
 * <pre>
 * C: MAIL FROM:&lt;a@b&gt;      a command line
 * S: 503 5.5.1 *             the next reply line, '*' matching anything
 * N: ReadData                what the last step says to do next (a glob over the Next record's text, "*" implied at the end)
 * M: content hello\r\n.\r\n  feeds the text (escapes \r \n) to what the last ReadData/ReadChunk names, then contentEnded()
 * M: chunk 5                 feeds 5 octets of text lines to the last ReadChunk, then contentEnded()
 * M: queued Q1               the stage names the next stored message Q1; then as "content" with a small message
 * M: refuse 421 4.3.0 x      the stage refuses the next message so; then as "content" with a small message
 * M: too-long                lineTooLong()           M: timeout / M: shutdown
 * </pre>
 * Every reply line must be matched by an S: line before the next C: or M: line.
 */
final class Transcript {
    private final SmtpSession session;
    private final MemoryContentStage stage;
    private final Deque<String> pending = new ArrayDeque<>();
    private Step last;

    private Transcript(SmtpSession session, MemoryContentStage stage) {
        this.session = session;
        this.stage = stage;
        take(session.greeting(), pending);
    }

    /** Starts a session: the greeting is pending, to be matched by the first S: line. */
    static Transcript of(SmtpSession session, MemoryContentStage stage) {
        return new Transcript(session, stage);
    }

    /** Plays a transcript; may be called again to continue the same session. */
    Transcript run(String transcript) {
        for (String raw : transcript.strip().split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) continue;
            String body = line.substring(3);
            switch (line.substring(0, 3)) {
                case "C: " -> take(expectNoPending(pending, line, () -> session.command(body)), pending);
                case "M: " -> take(expectNoPending(pending, line, () -> meta(body)), pending);
                case "S: " -> {
                    assertThat(pending).as("a reply line for '%s'", body).isNotEmpty();
                    assertThat(pending.removeFirst()).as("reply line").matches(glob(body));
                }
                case "N: " -> assertThat(last.next().toString()).as("next").matches(glob(body + "*"));
                default -> throw new IllegalArgumentException("bad transcript line: " + line);
            }
        }
        assertThat(pending).as("unmatched reply lines").isEmpty();
        return this;
    }

    SmtpSession session() {
        return session;
    }

    Step last() {
        return last;
    }

    private Step meta(String body) {
        String[] words = body.split(" ", 2);
        return switch (words[0]) {
            case "content" -> feed(words[1].replace("\\r", "\r").replace("\\n", "\n"));
            case "chunk" -> feed(lines(Integer.parseInt(words[1])));
            case "queued" -> {
                stage.next.add(new ContentStage.Stored.Queued(new QueueId(words[1])));
                yield feed(small());
            }
            case "refuse" -> {
                String[] reply = words[1].split(" ", 3);
                stage.next.add(new ContentStage.Stored.Refused(Reply.of(Integer.parseInt(reply[0]), reply[1], reply[2])));
                yield feed(small());
            }
            case "too-long" -> session.lineTooLong();
            case "timeout" -> session.timeout();
            case "shutdown" -> session.shuttingDown();
            default -> throw new IllegalArgumentException("bad meta line: " + body);
        };
    }

    /** A small well-formed message in the form the last step reads. */
    private String small() {
        return last.next() instanceof Next.ReadChunk(long octets, ByteSink sink) ? lines((int) octets) : "hello\r\n.\r\n";
    }

    /** {@code octets} octets of short CRLF-ended lines (the last one may be cut short). */
    private static String lines(int octets) {
        StringBuilder text = new StringBuilder(octets);
        while (text.length() < octets) text.append(text.length() % 50 == 48 ? "\r\n" : "x");
        text.setLength(octets);
        return text.toString();
    }

    private Step feed(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            switch (last.next()) {
                case Next.ReadData(DotDecoder decoder, ByteSink sink) -> {
                    int used = decoder.feed(bytes, 0, bytes.length, sink);
                    assertThat(decoder.done()).as("the content ends the data").isTrue();
                    assertThat(used).as("octets used").isEqualTo(bytes.length);
                }
                case Next.ReadChunk(long octets, ByteSink sink) -> {
                    assertThat(bytes.length).as("chunk size").isEqualTo(octets);
                    sink.write(bytes, 0, bytes.length);
                }
                default -> throw new IllegalStateException("content fed when the session expects " + last.next());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return session.contentEnded();
    }

    private static Step expectNoPending(Deque<String> pending, String line, java.util.function.Supplier<Step> action) {
        assertThat(pending).as("reply lines not matched before '%s'", line).isEmpty();
        return action.get();
    }

    private Step take(Step step, Deque<String> pending) {
        last = step;
        step.reply().ifPresent(reply -> pending.addAll(Arrays.asList(reply.wire().split("\r\n"))));
        return step;
    }

    private static String glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) regex.append(".*");
            regex.append(Pattern.quote(part));
        }
        return regex.toString();
    }
}
