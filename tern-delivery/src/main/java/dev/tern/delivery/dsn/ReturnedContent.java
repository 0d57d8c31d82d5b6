package dev.tern.delivery.dsn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The part of the original message a DSN carries (RFC 3462/6522 §3: the optional third body part): all of it,
 * its header section only, or nothing.
 *
 * <p>At most {@code limit + 1} octets are read from the source, so the size of the original costs nothing.
 * What is copied is made safe to embed: every line ends in CRLF (a bare CR or LF becomes CRLF) and a line over
 * 998 octets is broken, in the header section as a folded continuation (CRLF and a space), in the body with
 * a plain CRLF (RFC 5322 §2.1.1; nothing else can carry such a line in a message/rfc822 part).
 *
 * @param bytes     the content as it goes into the part; empty for nothing
 * @param whole     the whole message (message/rfc822 or message/global), else its header section
 *                  (text/rfc822-headers or message/global-headers)
 * @param eightBit  some octet is over 127, so the part is labelled 8bit
 */
record ReturnedContent(byte[] bytes, boolean whole, boolean eightBit) {
    static final ReturnedContent NOTHING = new ReturnedContent(new byte[0], false, false);

    boolean present() {
        return bytes.length > 0;
    }

    /**
     * Reads what to return from {@code original}: the whole message when {@code wantWhole} and it is at most
     * {@code limit} octets, else its header section, cut after the last whole line within {@code limit}.
     */
    static ReturnedContent read(OriginalMessage original, int limit, boolean wantWhole) throws IOException {
        if (limit == 0) return NOTHING;
        byte[] raw;
        try (InputStream in = original.open()) {
            raw = in.readNBytes(limit + 1);
        }
        boolean fits = raw.length <= limit;
        if (!fits) raw = Arrays.copyOf(raw, lastLineEnd(raw, limit));
        if (raw.length == 0) return NOTHING;
        Normalised normalised = normalise(raw);
        byte[] bytes = wantWhole && fits ? normalised.bytes() : Arrays.copyOf(normalised.bytes(), normalised.headerEnd());
        if (bytes.length == 0) return NOTHING;
        return new ReturnedContent(bytes, wantWhole && fits, eightBit(bytes));
    }

    /** The length of {@code raw}'s first {@code limit} octets up to and including the last CR or LF there. */
    private static int lastLineEnd(byte[] raw, int limit) {
        for (int i = Math.min(limit, raw.length) - 1; i >= 0; i--) {
            if (raw[i] == '\n' || raw[i] == '\r') return i + 1;
        }
        return 0;
    }

    /**
     * @param bytes     CRLF lines, none over 998 octets
     * @param headerEnd where the header section ends in {@code bytes}: after its last line's CRLF, before the
     *                  empty line (all of {@code bytes} when there is no empty line)
     */
    private record Normalised(byte[] bytes, int headerEnd) {}

    private static Normalised normalise(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + raw.length / 64 + 2);
        int headerEnd = -1;
        int start = 0;
        while (start < raw.length) {
            int end = start;
            while (end < raw.length && raw[end] != '\r' && raw[end] != '\n') end++;
            boolean inHeader = headerEnd < 0;
            if (inHeader && end == start) headerEnd = out.size(); // RFC 5322 §2.1: the empty line ends the header
            writeLine(out, raw, start, end, inHeader && end > start);
            // One line ending: CRLF, or a bare CR, or a bare LF.
            int next = end;
            if (next < raw.length && raw[next] == '\r') next++;
            if (next < raw.length && raw[next] == '\n' && (next == end || raw[next - 1] == '\r')) next++;
            start = next == end ? end + 1 : next;
        }
        byte[] bytes = out.toByteArray();
        return new Normalised(bytes, headerEnd < 0 ? bytes.length : headerEnd);
    }

    private static void writeLine(ByteArrayOutputStream out, byte[] raw, int start, int end, boolean header) {
        int max = LineWriter.HARD_LIMIT;
        int at = start;
        boolean first = true;
        while (true) {
            int room = first || !header ? max : max - 1;
            int cut = end - at <= room ? end : boundary(raw, at, at + room);
            if (!first && header) out.write(' ');
            out.write(raw, at, cut - at);
            out.write('\r');
            out.write('\n');
            if (cut == end) return;
            at = cut;
            first = false;
        }
    }

    /** A place at or before {@code cut} that does not split a UTF-8 sequence (at most three octets back). */
    private static int boundary(byte[] raw, int start, int cut) {
        for (int i = cut, steps = 0; i > start && steps < 4; i--, steps++) {
            if ((raw[i] & 0xC0) != 0x80) return i;
        }
        return cut;
    }

    private static boolean eightBit(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) return true;
        }
        return false;
    }
}
