package dev.tern.smtp.client;

import dev.tern.smtp.ByteSink;
import dev.tern.smtp.Reply;
import java.io.IOException;
import java.util.Optional;

/**
 * Turns a stored message into the octets a client sends: for DATA dot-stuffed and terminated (RFC 5321
 * §4.5.2, §4.1.1.4), for BDAT (RFC 3030) as it is. Streaming: input may be split at any octet, nothing is
 * buffered but the state of one line, and output goes to the sink in runs, not octet by octet.
 *
 * <p><b>Line endings.</b> Every line leaves as text ending in CRLF (RFC 5321 §2.3.8: CR and LF only ever
 * together). The spool refuses bare CR and bare LF when mail arrives, so a stored message has none; should one
 * be there anyway (a message Tern composed itself, a spool written by an older version), a bare CR, a bare LF
 * and a final line without an ending are each <em>normalised</em> to CRLF rather than refused: sent as they
 * are they would be read differently by different servers (SMTP smuggling), and repairing them changes no
 * visible text. The content is given its final CRLF when it lacks one, in DATA and BDAT alike.
 *
 * <p><b>Dots.</b> For DATA a line that starts with "." gets another one (RFC 5321 §4.5.2), and after the
 * content comes {@code .CRLF}, so the wire always ends in {@code CRLF.CRLF}. BDAT sends the content unchanged.
 *
 * <p><b>Long lines.</b> A line over {@value #MAX_LINE} octets without its CRLF (RFC 5321 §4.5.3.1.6, RFC 5322
 * §2.1.1; the stuffed dot not counted, as the receiver removes it before counting) is <em>refused</em>, not
 * folded: {@code 554 5.6.0}. Postfix breaks such lines with CRLF SP; that alters the body (a space in the
 * text, a broken base64 line, a DKIM signature that no longer verifies) and the recipient cannot tell. A
 * refusal returns the message to its sender with a DSN that says why. Tern's own server refuses such lines on
 * input (DotDecoder, LineCheck), so only a raised {@code maxTextLine} or a message composed locally can meet
 * this. The client checks {@link ContentFacts#longestLine()} before it sends MAIL; the encoder enforces it again
 * while sending: from the first octet over the limit it writes nothing more, and {@link #finish()} writes no
 * terminator, so the caller must close the connection rather than end the data (the server then discards the
 * partial message, RFC 5321 §6.1).
 *
 * <p>Not thread-safe; one per message.
 */
public final class DotEncoder {
    /** RFC 5321 §4.5.3.1.6: 1000 octets with CRLF. */
    public static final int MAX_LINE = 998;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] DOT = {'.'};
    private static final byte[] END = {'.', '\r', '\n'};
    private static final ByteSink DISCARD = (buffer, offset, length) -> { }; // a scan only counts

    private final ByteSink sink;
    private final boolean data;
    private boolean lineStart = true;
    private boolean pendingCr;
    private long lineLength;
    private long octets;
    private long longestLine;
    private boolean eightBit;
    private boolean finished;
    private Reply failure;

    private DotEncoder(ByteSink sink, boolean data) {
        if (sink == null) throw new IllegalArgumentException("no sink");
        this.sink = sink;
        this.data = data;
    }

    /** For DATA: dot-stuffed, ending in {@code CRLF.CRLF}. */
    public static DotEncoder forData(ByteSink sink) {
        return new DotEncoder(sink, true);
    }

    /** For BDAT: the normalised content, exactly {@link ContentFacts#octets()} octets. */
    public static DotEncoder forBdat(ByteSink sink) {
        return new DotEncoder(sink, false);
    }

    /** Measures a message without sending it: feed it, {@link #finish()}, then read {@link #facts()}. */
    public static DotEncoder scanner() {
        return new DotEncoder(DISCARD, false);
    }

    /** Encodes {@code buffer[offset, offset+length)}. */
    public void feed(byte[] buffer, int offset, int length) throws IOException {
        if (finished) throw new IllegalStateException("already finished");
        int end = offset + length;
        int run = offset; // start of input octets not yet written
        for (int i = offset; i < end; i++) {
            byte b = buffer[i];
            if (pendingCr) {
                pendingCr = false;
                lineEnd();
                if (b == '\n') { // CRLF
                    run = i + 1;
                    continue;
                }
                run = i; // a bare CR, now a CRLF; b starts the next line
            }
            if (b == '\r') {
                write(buffer, run, i);
                pendingCr = true;
                run = i + 1;
                continue;
            }
            if (b == '\n') { // a bare LF
                write(buffer, run, i);
                lineEnd();
                run = i + 1;
                continue;
            }
            if (lineStart) {
                lineStart = false;
                if (b == '.' && data) { // RFC 5321 §4.5.2: the sender doubles a leading period
                    write(buffer, run, i);
                    write(DOT, 0, 1);
                    run = i;
                }
            }
            if (b < 0) eightBit = true;
            octets++;
            if (++lineLength > MAX_LINE) {
                write(buffer, run, i); // the octets up to the limit; nothing after
                run = i;
                fail();
            }
        }
        write(buffer, run, end);
    }

    /**
     * Ends the content: the last line gets its CRLF and, for DATA, the terminator follows. When
     * {@link #failure()} is present nothing is written: do not end the data, close the connection.
     */
    public void finish() throws IOException {
        if (finished) return;
        if (pendingCr || !lineStart) lineEnd();
        pendingCr = false;
        finished = true;
        if (data) write(END, 0, END.length);
    }

    /** Why the message cannot be sent ({@code 554 5.6.0}, a line too long), if so. */
    public Optional<Reply> failure() {
        return Optional.ofNullable(failure);
    }

    /** What was seen so far; complete after {@link #finish()}. */
    public ContentFacts facts() {
        return new ContentFacts(octets, eightBit, Math.max(longestLine, lineLength));
    }

    private void lineEnd() throws IOException {
        longestLine = Math.max(longestLine, lineLength);
        lineLength = 0;
        lineStart = true;
        octets += 2;
        write(CRLF, 0, 2);
    }

    private void write(byte[] buffer, int from, int to) throws IOException {
        if (failure == null && to > from) sink.write(buffer, from, to - from);
    }

    private void fail() {
        if (failure == null) failure = ClientReplies.LINE_TOO_LONG;
    }
}
