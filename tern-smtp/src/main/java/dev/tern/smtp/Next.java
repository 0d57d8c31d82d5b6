package dev.tern.smtp;

/** What the connection loop reads after sending a step's reply. */
public sealed interface Next {
    Next COMMAND = new ReadCommand();
    Next CLOSE = new Close();
    Next START_TLS = new StartTls();
    Next AUTH_RESPONSE = new ReadAuthResponse();

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
     * {@code maxOctets} is how many octets the whole message may still grow by. {@code first} marks the first
     * chunk of a transaction: whatever the caller kept from an earlier, abandoned transaction (ended by RSET,
     * EHLO or STARTTLS) must be thrown away then, never joined to the new message.
     */
    record ReadChunk(long octets, boolean last, long maxOctets, boolean first) implements Next {}

    /**
     * Read and throw away exactly {@code octets} octets of a BDAT chunk that cannot be accepted, then send
     * {@code reply} (RFC 3030 §3: the chunk must be consumed even when the command fails).
     */
    record DiscardChunk(long octets, Reply reply) implements Next {}

    /**
     * Send the reply ({@code 220 2.0.0}), then throw away every octet already read but not yet used
     * (RFC 3207 §4.2, CVE-2011-0411), make the TLS handshake and call {@link SmtpSession#tlsStarted()}.
     */
    record StartTls() implements Next {}

    /**
     * Read one line of an AUTH exchange, at most {@link #MAX_AUTH_LINE} octets with its CRLF (RFC 4954 §4), and
     * pass it to {@link SmtpSession#authResponse}; a longer line goes to {@link SmtpSession#authLineTooLong()}.
     */
    record ReadAuthResponse() implements Next {}

    /** RFC 4954 §4: 12,288 octets of base64 response, plus the CRLF. */
    int MAX_AUTH_LINE = 12_288 + 2;

    /** Close the connection after sending the reply. */
    record Close() implements Next {}
}
