package dev.tern.smtp;

import java.util.Optional;

/**
 * What the session wants done next: a reply to send (if any) and what to read after it. The session never
 * touches a socket; the connection loop carries out the step.
 */
public record Step(Optional<Reply> reply, Next next) {
    public Step {
        if (reply == null || next == null) throw new IllegalArgumentException("null step part");
    }

    public static Step reply(Reply reply, Next next) {
        return new Step(Optional.of(reply), next);
    }

    public static Step reply(Reply reply) {
        return new Step(Optional.of(reply), Next.COMMAND);
    }

    public static Step silent(Next next) {
        return new Step(Optional.empty(), next);
    }
}
