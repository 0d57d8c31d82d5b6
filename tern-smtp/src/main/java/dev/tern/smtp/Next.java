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
     * Read a DATA body up to {@code <CRLF>.<CRLF>}, feeding it to {@code decoder} with {@code content} as its sink;
     * then call {@link SmtpSession#contentEnded()}. The decoder enforces the limits; the session owns both.
     */
    record ReadData(DotDecoder decoder, ByteSink content) implements Next {
        @Override
        public String toString() {
            return "ReadData[" + decoder + "]";
        }
    }

    /**
     * Read exactly {@code octets} octets of a BDAT chunk (RFC 3030) into {@code content}, then call
     * {@link SmtpSession#contentEnded()}. The session owns the content and knows whether this chunk is the last.
     */
    record ReadChunk(long octets, ByteSink content) implements Next {
        @Override
        public String toString() {
            return "ReadChunk[octets=" + octets + "]";
        }
    }

    /**
     * Read and throw away exactly {@code octets} octets of a BDAT chunk that cannot be accepted, then send
     * {@code reply} (RFC 3030 §3: the chunk must be consumed even when the command fails).
     */
    record DiscardChunk(long octets, Reply reply) implements Next {}

    /**
     * Send the reply ({@code 220 2.0.0}), then throw away every octet already read but not yet used
     * (RFC 3207 §4.2, CVE-2011-0411), make the TLS handshake and call {@link SmtpSession#tlsStarted(ChannelBinding)}.
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
