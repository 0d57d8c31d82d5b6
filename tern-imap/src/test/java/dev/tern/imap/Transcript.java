package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.sasl.Credentials;
import dev.tern.sasl.ScramCredential;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Drives an {@link ImapSession} the way RFC 9051's examples read: {@code C:} lines go through a
 * {@link CommandReader} and {@link CommandParser} ({@code ⏎} is CRLF, for literals), every response is encoded
 * with {@link ResponseEncoder} and must match the {@code S:} lines in order ({@code *} at the end: any rest).
 * {@code I:} stands for the loop telling an idling session that the folder changed.
 */
final class Transcript {
    static final Credentials ACCOUNTS = new Credentials() {
        @Override
        public Check verifyPassword(String username, String password) {
            return (username.equals("alice") && password.equals("secret")) || (username.equals("mrc") && password.equals("secret"))
                    ? Check.ACCEPTED : Check.REJECTED;
        }

        @Override
        public Optional<ScramCredential> scramSha256(String username) {
            return Optional.empty();
        }
    };

    /** The loop's queue, minus threads: the store's watcher adds, the session drains. */
    static final class ListQueue implements UpdateQueue {
        private final List<MailboxUpdate> queued = new ArrayList<>();

        @Override
        public synchronized void offer(MailboxUpdate update) {
            queued.add(update);
        }

        @Override
        public synchronized List<MailboxUpdate> drain() {
            List<MailboxUpdate> out = List.copyOf(queued);
            queued.clear();
            return out;
        }
    }

    final ImapSession session;
    private final CommandReader reader = new CommandReader(ReaderLimits.defaults());
    private Step.Next next = Step.READ_COMMAND;
    private final List<String> all = new ArrayList<>();

    Transcript(ImapSession session) {
        this.session = session;
    }

    static Transcript of(dev.tern.store.Folders folders, ImapSecurity security) {
        return new Transcript(new ImapSession(SessionSettings.defaults(), security, ACCOUNTS, user -> folders, new ListQueue()));
    }

    /**
     * A login and a SELECT of a mailbox holding no keywords, its seven untagged responses matched loosely (other
     * tests have them as their subject): the start of many scripts.
     */
    static String loginAndSelect(String user, String mailbox) {
        return """
                C: a1 LOGIN %s secret
                S: a1 OK *
                C: a2 SELECT %s
                S: *
                S: *
                S: *
                S: *
                S: *
                S: *
                S: *
                S: a2 OK [READ-WRITE] SELECT completed
                """.formatted(user, mailbox);
    }

    static Transcript of(dev.tern.store.Folders folders) {
        return of(folders, ImapSecurity.plaintext(true, true));
    }

    Step.Next next() {
        return next;
    }

    /** Runs the script; the greeting comes first if the script starts with an {@code S:} line before any {@code C:}. */
    Transcript run(String script) {
        Deque<String> pending = new ArrayDeque<>();
        List<String> lines = script.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        boolean first = all.isEmpty();
        if (first && lines.getFirst().startsWith("S:")) pending.addAll(lines(session.greeting()));
        for (String line : lines) {
            if (line.startsWith("C:") || line.startsWith("I:")) {
                assertThat(pending).as("server lines not in the script, before " + line).isEmpty();
                if (line.startsWith("I:")) pending.addAll(lines(session.idleUpdates()));
                else pending.addAll(send(line.substring(2).strip()));
            } else if (line.startsWith("S:")) {
                String expected = line.substring(2).strip();
                assertThat(pending).as("server said nothing more; expected " + expected + "; so far " + all).isNotEmpty();
                String actual = pending.removeFirst().strip();
                if (expected.endsWith("*")) assertThat(actual).startsWith(expected.substring(0, expected.length() - 1));
                else assertThat(actual).as("after " + all).isEqualTo(expected);
            } else {
                throw new IllegalArgumentException("not a transcript line: " + line);
            }
        }
        assertThat(pending).as("server lines not in the script").isEmpty();
        return this;
    }

    private List<String> send(String text) {
        all.add("C: " + text);
        return switch (next) {
            case Step.Next.ReadAuthResponse a -> lines(session.authResponse(text));
            case Step.Next.Idle i -> lines(session.idleLine(text));
            case Step.Next.Close c -> throw new AssertionError("the session closed; no more input");
            case Step.Next.ReadCommand r -> command(text);
            case Step.Next.StartTls s -> {
                lines(session.tlsStarted(dev.tern.sasl.ChannelBinding.NONE));
                yield command(text);
            }
        };
    }

    private List<String> command(String text) {
        List<String> out = new ArrayList<>();
        reader.feed((text.replace("⏎", "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (int guard = 0; guard < 1000; guard++) {
            switch (reader.next()) {
                case Read.NeedMore m -> {
                    return out;
                }
                case Read.SendContinuation c -> out.addAll(encode(ResponseEncoder.CONTINUE_LITERAL));
                case Read.Rejected r -> out.addAll(lines(session.rejected(r.reply())));
                case Read.Complete c -> out.addAll(lines(session.command(CommandParser.parse(c.command(), session.textMode()))));
            }
        }
        throw new AssertionError("reader did not settle");
    }

    private List<String> lines(Step step) {
        next = step.next();
        List<String> out = new ArrayList<>();
        for (Response r : step.responses()) out.addAll(encode(r));
        for (String l : out) all.add("S: " + l);
        return out;
    }

    private List<String> encode(Response r) {
        String text = ResponseEncoder.encodeToString(r, session.textMode());
        return List.of(text.substring(0, text.length() - 2).split("\r\n", -1));
    }
}
