package dev.tern.mailauth.dkim;

import java.security.MessageDigest;

/**
 * Canonicalizes a message body (RFC 6376 §3.4.3 simple, §3.4.4 relaxed) as it streams past, feeding the canonical
 * octets to a {@link MessageDigest}.
 *
 * <p>Bytes come in chunks of any size; a CRLF split between two chunks is recognized. Only CRLF ends a line; a bare
 * CR or LF is an ordinary octet (SMTP delivers CRLF lines). Empty lines at the end are dropped, so they are held back
 * until a non-empty line follows. An empty body is "CRLF" in simple and empty in relaxed (RFC 6376 §3.4.3, §3.4.4
 * with erratum 1384). With a limit ({@code l=}, §3.5), only the first {@code limit} canonical octets are hashed;
 * {@link #length()} still counts them all, so a verifier can tell that the body had more. Not thread-safe.
 */
public final class BodyCanonicalizer {
    /** No {@code l=} limit. */
    public static final long NO_LIMIT = -1;

    private final boolean relaxed;
    private final MessageDigest digest;
    private final long limit;
    private final byte[] out = new byte[8192];
    private int outLen;
    private long length;
    private long pendingLines; // CRLFs held back: they are dropped if only empty lines follow
    private boolean pendingCr;
    private boolean pendingSpace;
    private boolean lineHasContent;
    private boolean finished;

    public BodyCanonicalizer(Canonicalization canonicalization, MessageDigest digest, long limit) {
        if (limit < NO_LIMIT) throw new IllegalArgumentException("negative body length limit");
        this.relaxed = canonicalization == Canonicalization.RELAXED;
        this.digest = digest;
        this.limit = limit;
    }

    /** Feeds {@code len} body octets from {@code b} at {@code off}. */
    public void update(byte[] b, int off, int len) {
        if (finished) throw new IllegalStateException("the body is finished");
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (pendingCr) {
                pendingCr = false;
                if (c == '\n') {
                    endLine();
                    continue;
                }
                octet((byte) '\r');
            }
            if (c == '\r') {
                pendingCr = true;
            } else {
                octet(c);
            }
        }
    }

    /** Ends the body and returns the digest of its canonical form (or of its first {@code limit} octets). */
    public byte[] finish() {
        if (finished) throw new IllegalStateException("the body is finished");
        if (pendingCr) octet((byte) '\r');
        pendingCr = false;
        // §3.4.3: a body not ending in CRLF gets one, an empty one is CRLF; §3.4.4: an empty body stays empty.
        pendingSpace = false; // §3.4.4: WSP at the end of a line is ignored
        if (lineHasContent || !relaxed || length() > 0) emitLineBreaks(1);
        flush();
        finished = true;
        return digest.digest();
    }

    /** The canonical body's length in octets so far, limit or not (the whole body after {@link #finish()}). */
    public long length() {
        return length + outLen;
    }

    private void endLine() {
        pendingSpace = false; // §3.4.4: WSP at the end of a line is ignored
        lineHasContent = false;
        pendingLines++;
    }

    private void octet(byte c) {
        if (relaxed && (c == ' ' || c == '\t')) {
            pendingSpace = true; // §3.4.4: a WSP run becomes one SP, unless it ends the line
            return;
        }
        if (pendingLines > 0) {
            emitLineBreaks(pendingLines);
            pendingLines = 0;
        }
        if (pendingSpace) {
            emit((byte) ' ');
            pendingSpace = false;
        }
        lineHasContent = true;
        emit(c);
    }

    private void emitLineBreaks(long n) {
        for (long i = 0; i < n; i++) {
            emit((byte) '\r');
            emit((byte) '\n');
        }
    }

    private void emit(byte c) {
        if (outLen == out.length) flush();
        out[outLen++] = c;
    }

    private void flush() {
        long hashable = limit < 0 ? outLen : Math.max(0, Math.min(outLen, limit - length));
        if (hashable > 0) digest.update(out, 0, (int) hashable);
        length += outLen;
        outLen = 0;
    }
}
