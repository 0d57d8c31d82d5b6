package dev.tern.server;

import dev.tern.smtp.Next;
import dev.tern.smtp.Replies;
import dev.tern.smtp.Reply;
import dev.tern.smtp.Step;
import java.util.Locale;

/**
 * A session refused at connect (a blocklisted client): RFC 5321 §3.1 lets the server answer 554 instead of the
 * 220; it must then wait for QUIT and should answer anything else with 503. Postfix's postscreen may instead
 * drop the connection at once with 521 (RFC 7504); the RFC's way lets a legitimate client's MTA log the reason.
 * Bounded: after {@link #MAX_COMMANDS} other commands, 421 and close (the idle and session timeouts apply too).
 * No I/O; one per connection.
 */
final class BlockedSession {
    static final int MAX_COMMANDS = 10;
    private static final Reply ONLY_QUIT = Reply.of(503, "5.5.1", "Bad sequence of commands; only QUIT is accepted");

    private final Reply greeting;
    private int commands;

    BlockedSession(Reply greeting) {
        if (greeting.code() != 554) throw new IllegalArgumentException("a refused session greets with 554");
        this.greeting = greeting;
    }

    Step greeting() {
        return Step.reply(greeting, Next.COMMAND);
    }

    Step command(String line) {
        if (line.strip().toUpperCase(Locale.ROOT).equals("QUIT")) return Step.reply(Replies.BYE, Next.CLOSE);
        if (++commands >= MAX_COMMANDS) return Step.reply(Replies.TOO_MANY_ERRORS, Next.CLOSE);
        return Step.reply(ONLY_QUIT, Next.COMMAND);
    }
}
