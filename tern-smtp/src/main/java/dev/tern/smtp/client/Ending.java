package dev.tern.smtp.client;

import dev.tern.smtp.Reply;

/** Why a client session closed its connection. */
public sealed interface Ending {
    /** The client said QUIT (RFC 5321 §4.1.1.10); it does not wait for the 221, as Postfix's default. */
    record Quit() implements Ending {}

    /**
     * The server refused to go on: a greeting other than 220, EHLO and HELO refused, STARTTLS refused when TLS
     * is required, AUTH refused, RSET refused, or a {@code 421} at any point (RFC 5321 §3.8). {@code reply} is
     * the server's own.
     */
    record Refused(Stage stage, Reply reply) implements Ending {
        public Refused {
            if (stage == null || reply == null) throw new IllegalArgumentException("null refusal part");
        }
    }

    /**
     * The client gave up: the connection was lost, a reply was malformed or out of place, the TLS policy could
     * not be met, a handshake failed, or the content could not be sent. {@code reason} is Tern's own reply
     * (see {@link ClientReplies}), never the server's words.
     */
    record Abandoned(Stage stage, Reply reason) implements Ending {
        public Abandoned {
            if (stage == null || reason == null) throw new IllegalArgumentException("null abandon part");
        }
    }

    /**
     * True when the destination could not be used at all (the session ended before its first MAIL): the
     * scheduler's "site failure", which backs off the whole destination. A refused RCPT never is one.
     */
    default boolean siteFailure() {
        return switch (this) {
            case Quit _ -> false;
            case Refused(Stage stage, Reply _) -> stage.beforeMail();
            case Abandoned(Stage stage, Reply _) -> stage.beforeMail();
        };
    }
}
