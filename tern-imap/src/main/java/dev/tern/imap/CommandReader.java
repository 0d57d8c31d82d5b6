package dev.tern.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts the octets a client sends into commands as they arrive (RFC 9051 §2.2.1, §4.3): lines end in CRLF (a bare
 * LF is taken too, as Dovecot does), literals {@code {n}} wait for a continuation request, {@code {n+}}
 * (LITERAL+, RFC 7888 §3) and {@code ~{n}} (literal8, RFC 3516 §4.2) are read as they come.
 *
 * <p>Use: {@link #feed} what one socket read gave, then call {@link #next()} until it says {@link Read.NeedMore}.
 * Memory stays bounded by the limits plus one read: an over-long line is not buffered, a refused literal is
 * counted off, not stored. Not thread-safe: one connection loop owns it.
 *
 * <p>A refused {@code {n+}} is skipped only up to twice its cap: past that (a client announcing 99 MB where 35
 * MiB is the cap) reading it through is not worth the bandwidth, and the reader answers {@code * BYE [TOOBIG]}
 * (RFC 9051 §7.1.5), which the session turns into a close. After it the reader takes nothing more.
 */
public final class CommandReader {
    private enum State { LINE, LITERAL, DISCARD_LINE, DISCARD_LITERAL, BYE, CLOSED }

    private static final int TAIL = 32;
    /** The buffer's size between commands: an idle session holds no more (issue 8: at most 32 KiB a session). */
    private static final int SMALL = 512;

    private ReaderLimits limits;
    private byte[] buffer = new byte[SMALL];
    private int start;
    private int end;
    private int scanned;
    private State state = State.LINE;

    private final List<byte[]> lines = new ArrayList<>();
    private final List<byte[]> literals = new ArrayList<>();
    private long commandOctets;
    private int depth;
    private String tag = "*";
    private boolean append;
    private byte[] literal;
    private int filled;
    private long discardRemaining;
    private byte[] tail = new byte[0];

    public CommandReader(ReaderLimits limits) {
        this.limits = limits;
    }

    /** New limits from the next command on, e.g. a larger APPEND literal after login. */
    public void limits(ReaderLimits limits) {
        this.limits = limits;
    }

    public void feed(byte[] octets, int offset, int length) {
        if (end + length > buffer.length) {
            int live = end - start;
            if (live + length > buffer.length) buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, live + length));
            System.arraycopy(buffer, start, buffer, 0, live);
            scanned -= start;
            start = 0;
            end = live;
        }
        System.arraycopy(octets, offset, buffer, end, length);
        end += length;
    }

    public void feed(byte[] octets) {
        feed(octets, 0, octets.length);
    }

    /** Octets fed but not yet consumed: what a STARTTLS must find empty (RFC 9051 §11.1, no injection). */
    public int buffered() {
        return end - start;
    }

    public Read next() {
        while (true) {
            switch (state) {
                case LINE -> {
                    Read r = line();
                    if (r != null) return r;
                }
                case LITERAL -> {
                    int n = Math.min(end - start, literal.length - filled);
                    System.arraycopy(buffer, start, literal, filled, n);
                    start += n;
                    filled += n;
                    if (filled < literal.length) return new Read.NeedMore();
                    literals.add(literal);
                    literal = null;
                    state = State.LINE;
                    scanned = start;
                }
                case DISCARD_LITERAL -> {
                    int n = (int) Math.min(end - start, discardRemaining);
                    start += n;
                    discardRemaining -= n;
                    if (discardRemaining > 0) return new Read.NeedMore();
                    tail = new byte[0];
                    state = State.DISCARD_LINE;
                    scanned = start;
                }
                case BYE -> {
                    return close();
                }
                case CLOSED -> {
                    start = end;
                    scanned = end;
                    return new Read.NeedMore();
                }
                case DISCARD_LINE -> {
                    int lf = indexOfLf();
                    if (lf < 0) {
                        keepTail(start, end);
                        start = end;
                        scanned = end;
                        return new Read.NeedMore();
                    }
                    keepTail(start, withoutCr(lf));
                    start = lf + 1;
                    scanned = start;
                    Read closing = afterDiscardedLine(tail);
                    if (closing != null) return closing;
                }
            }
        }
    }

    /** Reads one line of a command; null when the state moved on and the loop should go on. */
    private Read line() {
        int lf = indexOfLf();
        if (lf < 0) {
            int pending = end - start;
            // One octet over may be the CR of a CRLF whose LF is still on its way.
            if (pending <= limits.maxLineOctets() || (pending == limits.maxLineOctets() + 1 && buffer[end - 1] == '\r')) {
                return new Read.NeedMore();
            }
            Response reply = refusal(Arrays.copyOfRange(buffer, start, Math.min(end, start + 200)), "Command line too long");
            keepTail(start, end);
            start = end;
            scanned = end;
            state = State.DISCARD_LINE;
            return new Read.Rejected(reply);
        }
        byte[] line = Arrays.copyOfRange(buffer, start, withoutCr(lf));
        start = lf + 1;
        scanned = start;
        if (lines.isEmpty()) {
            tag = tagOf(line);
            append = isAppend(line);
        }
        commandOctets += line.length;
        if (line.length > limits.maxLineOctets()) return refuseRest(line, Response.bad(tag, "Command line too long"));
        if (commandOctets > limits.maxCommandOctets()) return refuseRest(line, tooBig(Response.Status.BAD, "Command too long"));
        if (!nestingWithinLimit(line)) return refuseRest(line, Response.bad(tag, "Lists nested too deeply"));
        lines.add(line);
        Marker marker = Marker.at(line);
        if (marker == null) {
            RawCommand command = new RawCommand(lines, literals);
            reset();
            shrinkIfDrained();
            return new Read.Complete(command);
        }
        long cap = append ? limits.maxAppendLiteralOctets() : limits.maxOtherLiteralOctets();
        if (marker.octets() > cap || commandOctets + marker.octets() > limits.maxCommandOctets()) {
            // RFC 9051 §7.1 TOOBIG. A refused {n}: the client sends nothing (§7.5). A {n+} is on its way and is
            // skipped with the rest of the command (RFC 7888 §4), not a reason to drop the connection.
            if (!marker.synchronizing() && marker.octets() > 2 * cap) return close();
            Response reply = tooBig(marker.synchronizing() ? Response.Status.NO : Response.Status.BAD, "Literal too big");
            reset();
            if (!marker.synchronizing()) {
                discardRemaining = marker.octets();
                state = State.DISCARD_LITERAL;
            }
            return new Read.Rejected(reply);
        }
        literal = new byte[(int) marker.octets()];
        filled = 0;
        commandOctets += marker.octets();
        state = State.LITERAL;
        return marker.synchronizing() ? new Read.SendContinuation(marker.octets()) : null;
    }

    private Read refuseRest(byte[] line, Response reply) {
        reset();
        // The line's own refusal first; the BYE for a literal too big to skip comes with the next call.
        if (afterDiscardedLine(line) != null) state = State.BYE;
        return new Read.Rejected(reply);
    }

    /** RFC 9051 §7.1.5: the literal on its way is too big to skip; the connection ends. */
    private Read close() {
        reset();
        state = State.CLOSED;
        return new Read.Rejected(new Response.Condition(Response.Status.BYE, java.util.Optional.of(ResponseCode.TOOBIG),
                "Literal too big; closing the connection"));
    }

    private Response refusal(byte[] head, String text) {
        String t = lines.isEmpty() ? tagOf(head) : tag;
        reset();
        return t.equals("*") ? new Response.Condition(Response.Status.BAD, java.util.Optional.empty(), text) : Response.bad(t, text);
    }

    private Response tooBig(Response.Status status, String text) {
        if (tag.equals("*")) return new Response.Condition(status, java.util.Optional.of(ResponseCode.TOOBIG), text);
        return Response.tagged(tag, status, ResponseCode.TOOBIG, text);
    }

    /**
     * A discarded line ended: a {@code {n+}} at its end still comes and is skipped (past twice the largest cap:
     * the BYE of {@link #close()}, returned); anything else ends it (null).
     */
    private Read afterDiscardedLine(byte[] lastOctets) {
        // The CR of the CRLF may have come in the read before the LF, and so be in the kept tail.
        int n = lastOctets.length;
        if (n > 0 && lastOctets[n - 1] == '\r') lastOctets = Arrays.copyOf(lastOctets, n - 1);
        Marker marker = Marker.at(lastOctets);
        if (marker != null && !marker.synchronizing()) {
            long cap = Math.max(limits.maxAppendLiteralOctets(), limits.maxOtherLiteralOctets());
            if (marker.octets() > 2 * cap) return close();
            discardRemaining = marker.octets();
            state = State.DISCARD_LITERAL;
        } else {
            state = State.LINE;
        }
        return null;
    }

    private boolean nestingWithinLimit(byte[] line) {
        boolean quoted = false;
        boolean escaped = false;
        for (byte b : line) {
            if (quoted) {
                if (escaped) escaped = false;
                else if (b == '\\') escaped = true;
                else if (b == '"') quoted = false;
            } else if (b == '"') {
                quoted = true;
            } else if (b == '(') {
                if (++depth > limits.maxDepth()) return false;
            } else if (b == ')' && depth > 0) {
                depth--;
            }
        }
        return true;
    }

    private int indexOfLf() {
        for (int i = scanned; i < end; i++) {
            if (buffer[i] == '\n') return i;
        }
        scanned = end;
        return -1;
    }

    private int withoutCr(int lf) {
        return lf > start && buffer[lf - 1] == '\r' ? lf - 1 : lf;
    }

    private void keepTail(int from, int to) {
        byte[] joined = new byte[Math.min(TAIL, tail.length + (to - from))];
        int fromChunk = Math.min(joined.length, to - from);
        int fromTail = joined.length - fromChunk;
        System.arraycopy(tail, tail.length - fromTail, joined, 0, fromTail);
        System.arraycopy(buffer, to - fromChunk, joined, fromTail, fromChunk);
        tail = joined;
    }

    /** After a long line or a pipelined burst grew the buffer: back to small once nothing is left in it. */
    private void shrinkIfDrained() {
        if (start == end && buffer.length > SMALL) {
            buffer = new byte[SMALL];
            start = 0;
            end = 0;
            scanned = 0;
        }
    }

    private void reset() {
        lines.clear();
        literals.clear();
        commandOctets = 0;
        depth = 0;
        tag = "*";
        append = false;
        tail = new byte[0];
        state = State.LINE;
    }

    /** The tag for a reply, or {@code *} when the line does not start with a valid one (RFC 9051 §9 {@code tag}). */
    static String tagOf(byte[] line) {
        int sp = 0;
        while (sp < line.length && line[sp] != ' ') sp++;
        if (sp == 0 || sp > 128) return "*";
        String tag = new String(line, 0, sp, StandardCharsets.US_ASCII);
        return Lexer.isTag(tag) ? tag : "*";
    }

    private static boolean isAppend(byte[] line) {
        String text = new String(line, 0, Math.min(line.length, 200), StandardCharsets.ISO_8859_1);
        String[] words = text.split(" ", 3);
        return words.length >= 2 && words[1].equalsIgnoreCase("APPEND");
    }

    /** A literal announced at the end of a line: {@code {n}}, {@code {n+}}, {@code ~{n}}, {@code ~{n+}}. */
    private record Marker(long octets, boolean synchronizing) {
        static Marker at(byte[] line) {
            int i = line.length - 1;
            if (i < 2 || line[i] != '}') return null;
            i--;
            boolean plus = line[i] == '+';
            if (plus) i--;
            int digitsEnd = i + 1;
            while (i >= 0 && line[i] >= '0' && line[i] <= '9') i--;
            if (i < 0 || line[i] != '{' || digitsEnd - i - 1 == 0) return null;
            String digits = new String(line, i + 1, digitsEnd - i - 1, StandardCharsets.US_ASCII);
            long octets = digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
            return new Marker(octets, !plus);
        }
    }
}
