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
 * M: queued Q1               messageReceived(Q1)     M: chunk 5      chunkReceived(5)
 * M: rejected 550 5.6.0 x    messageRejected(...)    M: too-long     lineTooLong()
 * M: timeout / M: shutdown
 * </pre>
 * Every reply line must be matched by an S: line before the next C: or M: line.
 */
final class Transcript {
    private final SmtpSession session;
    private final Deque<String> pending = new ArrayDeque<>();
    private Step last;

    private Transcript(SmtpSession session) {
        this.session = session;
        take(session.greeting(), pending);
    }

    /** Starts a session: the greeting is pending, to be matched by the first S: line. */
    static Transcript of(SmtpSession session) {
        return new Transcript(session);
    }

    /** Plays a transcript; may be called again to continue the same session. */
    Transcript run(String transcript) {
        for (String raw : transcript.strip().split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) continue;
            String body = line.substring(3);
            switch (line.substring(0, 3)) {
                case "C: " -> take(expectNoPending(pending, line, () -> session.command(body)), pending);
                case "M: " -> take(expectNoPending(pending, line, () -> meta(session, body)), pending);
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

    private static Step meta(SmtpSession session, String body) {
        String[] words = body.split(" ", 2);
        return switch (words[0]) {
            case "queued" -> session.messageReceived(new QueueId(words[1]));
            case "chunk" -> session.chunkReceived(Long.parseLong(words[1]));
            case "rejected" -> {
                String[] reply = words[1].split(" ", 3);
                yield session.messageRejected(Reply.of(Integer.parseInt(reply[0]), reply[1], reply[2]));
            }
            case "too-long" -> session.lineTooLong();
            case "timeout" -> session.timeout();
            case "shutdown" -> session.shuttingDown();
            default -> throw new IllegalArgumentException("bad meta line: " + body);
        };
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
