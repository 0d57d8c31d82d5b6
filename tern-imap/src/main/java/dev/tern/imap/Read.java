package dev.tern.imap;

/** What {@link CommandReader#next()} found in the octets fed so far. */
public sealed interface Read {
    /** Feed more octets: the buffered ones hold no complete command and need no answer yet. */
    record NeedMore() implements Read {}

    /**
     * A synchronizing literal of {@code octets} was announced and accepted: write a continuation request
     * ({@link ResponseEncoder#CONTINUE_LITERAL}) now, then feed what the client sends (RFC 9051 §7.5).
     */
    record SendContinuation(long octets) implements Read {}

    /** A whole command, literals collected: give it to {@link CommandParser}. */
    record Complete(RawCommand command) implements Read {}

    /**
     * The command broke a limit: write {@code reply}. The reader already skips the rest of that command,
     * non-synchronizing literals included; a synchronizing literal it refused the client will not send.
     */
    record Rejected(Response reply) implements Read {}
}
