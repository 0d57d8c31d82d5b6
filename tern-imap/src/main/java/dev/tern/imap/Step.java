package dev.tern.imap;

import java.util.List;

/**
 * What {@link ImapSession} answers to one input: the responses to write, in order, and what the connection loop
 * does next. The session never touches a socket; the loop writes {@code responses} and flushes once.
 */
public record Step(List<Response> responses, Next next) {
    public Step {
        responses = List.copyOf(responses);
        if (next == null) throw new IllegalArgumentException("no next step");
    }

    /** What the connection loop does after writing a step's responses. */
    public sealed interface Next {
        /** Read the next command. */
        record ReadCommand() implements Next {}

        /** Read one line, the client's answer to an AUTHENTICATE challenge: {@link ImapSession#authResponse}. */
        record ReadAuthResponse() implements Next {}

        /**
         * Discard anything buffered after the STARTTLS line (RFC 9051 §6.2.1: no command injection), do the TLS
         * handshake, then call {@link ImapSession#tlsStarted}.
         */
        record StartTls() implements Next {}

        /**
         * RFC 2177: wait for a line ({@link ImapSession#idleLine}) or for folder changes
         * ({@link ImapSession#idleUpdates}), whichever comes first.
         */
        record Idle() implements Next {}

        /** Close the connection. */
        record Close() implements Next {}
    }

    public static final Next READ_COMMAND = new Next.ReadCommand();
    public static final Next READ_AUTH_RESPONSE = new Next.ReadAuthResponse();
    public static final Next START_TLS = new Next.StartTls();
    public static final Next IDLE = new Next.Idle();
    public static final Next CLOSE = new Next.Close();
}
