package dev.tern.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Drives a {@link Pop3Session} through a dialogue: {@code C:} lines go in (as commands, or as SASL responses
 * after a challenge), and the encoded responses must match the {@code S:} lines after them; a trailing
 * {@code *} matches any rest of the line. Checks that the session asks to close exactly at the end when the
 * last step is {@link Next.Close}.
 */
final class Transcript {
    private final Pop3Session session;
    private Next next = Next.COMMAND;

    Transcript(Pop3Session session) {
        this.session = session;
    }

    Next next() {
        return next;
    }

    /** Runs {@code dialogue}; the greeting is expected first when it starts with an S: line before any C:. */
    Transcript run(String dialogue) {
        Deque<String> pending = new ArrayDeque<>();
        boolean first = true;
        for (String line : dialogue.strip().split("\n")) {
            line = line.stripLeading();
            if (line.startsWith("S: ")) {
                if (first) {
                    pending.addAll(encode(session.greeting()));
                    first = false;
                }
                assertThat(pending).as("a response line for " + line).isNotEmpty();
                matches(pending.poll(), line.substring(3));
            } else if (line.startsWith("C: ")) {
                first = false;
                assertThat(pending).as("unread response lines").isEmpty();
                assertThat(next).as("the session closed already").isNotInstanceOf(Next.Close.class);
                byte[] octets = line.substring(3).getBytes(StandardCharsets.UTF_8);
                Step step = next instanceof Next.ReadAuthResponse ? session.authResponse(octets) : session.command(octets);
                next = step.next();
                pending.addAll(encode(step.response()));
            } else {
                throw new IllegalArgumentException("not a transcript line: " + line);
            }
        }
        assertThat(pending).as("unread response lines").isEmpty();
        return this;
    }

    /** The last response's text, for a test that must compute the next line (SCRAM). */
    static void matches(String actual, String expected) {
        if (expected.endsWith("*")) {
            assertThat(actual).startsWith(expected.substring(0, expected.length() - 1));
        } else {
            assertThat(actual).isEqualTo(expected);
        }
    }

    static java.util.List<String> encode(Response response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ResponseEncoder.write(response, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\r\n");
        return Arrays.asList(text.substring(0, text.length() - 2).split("\r\n", -1));
    }
}
