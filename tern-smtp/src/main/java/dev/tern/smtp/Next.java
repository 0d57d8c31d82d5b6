package dev.tern.smtp;

/** What the connection loop reads after sending a step's reply. */
public sealed interface Next {
    Next COMMAND = new ReadCommand();
    Next CLOSE = new Close();

    /** Read the next command line. */
    record ReadCommand() implements Next {}

    /**
     * Read a DATA body up to {@code <CRLF>.<CRLF>} with {@link DotDecoder}, counting at most {@code maxOctets}
     * decoded octets; then call {@link SmtpSession#messageReceived} or {@link SmtpSession#messageRejected}.
     */
    record ReadData(long maxOctets) implements Next {}

    /**
     * Read exactly {@code octets} octets of a BDAT chunk (RFC 3030) and append them to the message; then call
     * {@link SmtpSession#chunkReceived()} or, when {@code last}, {@link SmtpSession#messageReceived}.
     * {@code maxOctets} is how many octets the whole message may still grow by.
     */
    record ReadChunk(long octets, boolean last, long maxOctets) implements Next {}

    /**
     * Read and throw away exactly {@code octets} octets of a BDAT chunk that cannot be accepted, then send
     * {@code reply} (RFC 3030 §3: the chunk must be consumed even when the command fails).
     */
    record DiscardChunk(long octets, Reply reply) implements Next {}

    /** Close the connection after sending the reply. */
    record Close() implements Next {}
}
