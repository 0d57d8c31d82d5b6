package dev.tern.smtp;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import java.time.ZonedDateTime;

/**
 * The SMTP server state machine for one connection (RFC 5321 §4.1.4 ordering, §4.3.2 replies): a command line
 * in, a {@link Step} out. Not thread-safe: one connection drives it from one thread. No I/O, no clocks.
 *
 * <p>Call order: {@link #greeting()} once; then {@link #command(String)} for each line; when a step says
 * {@link Next.ReadData} or the last {@link Next.ReadChunk}, the caller reads the content, reads
 * {@link #envelope()} and {@link #receivedHeader}, stores the message, and answers with
 * {@link #messageReceived(QueueId)} or {@link #messageRejected(Reply)}.
 */
public final class SmtpSession {
    // STUB: the public contract; implementation under way.
    public SmtpSession(SessionSettings settings, RecipientPolicy policy, String clientAddress) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The 220 greeting (RFC 5321 §4.2; §3.1). */
    public Step greeting() { throw new UnsupportedOperationException(); }

    /** One command line, without its CRLF, already limited in length by the caller. */
    public Step command(String line) { throw new UnsupportedOperationException(); }

    /** The current transaction's envelope; valid once the content has been read. */
    public Envelope envelope() { throw new UnsupportedOperationException(); }

    /** The Received: header (RFC 5321 §4.4) for this transaction, ending in CRLF, folded under 78 columns. */
    public String receivedHeader(QueueId id, ZonedDateTime when) { throw new UnsupportedOperationException(); }

    /** The message is durably stored: 250 2.0.0 with the queue id, transaction reset. */
    public Step messageReceived(QueueId id) { throw new UnsupportedOperationException(); }

    /** The content was refused (size, loop, smuggling, storage failure): that reply, transaction reset. */
    public Step messageRejected(Reply reply) { throw new UnsupportedOperationException(); }

    /** A non-last BDAT chunk has been read and kept: 250 2.0.0. */
    public Step chunkReceived(long octets) { throw new UnsupportedOperationException(); }

    /** The caller read a command line longer than allowed: 500 5.5.2, counted as an error. */
    public Step lineTooLong() { throw new UnsupportedOperationException(); }

    /** The idle timeout expired: 421 4.4.2 and close (RFC 5321 §4.5.3.2). */
    public Step timeout() { throw new UnsupportedOperationException(); }

    /** The server is stopping: 421 4.3.2 and close. */
    public Step shuttingDown() { throw new UnsupportedOperationException(); }
}
