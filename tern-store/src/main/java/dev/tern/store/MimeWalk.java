package dev.tern.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.DefaultFieldBuilder;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Event;
import org.apache.james.mime4j.stream.FieldBuilder;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RecursionMode;
import org.apache.james.mime4j.util.ByteArrayBuffer;
import org.apache.james.mime4j.util.RecycledByteArrayBuffer;

/**
 * Walks mime4j's tokens over one message held in memory and keeps, for every entity, where its header and body
 * start and end. mime4j reports header fields and body streams but no positions, so the walk counts: the
 * octets of every header line (a {@link FieldBuilder} that sees each line, valid or not), the blank line
 * unless mime4j reported the header as ended early, the octets of each body, preamble and epilogue stream, and
 * the delimiter lines between them (RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter).
 * message/rfc822 bodies are parsed again as messages of their own, at their offset.
 */
final class MimeWalk {
    /** Multipart and message nesting that is descended into; Dovecot's default limit is 100 too. */
    static final int MAX_DEPTH = 100;

    /** No limit that throws on real mail: long lines, many or long header fields, big bodies. */
    private static final MimeConfig CONFIG = MimeConfig.custom()
            .setStrictParsing(false)
            .setMaxLineLen(-1)
            .setMaxHeaderCount(-1)
            .setMaxHeaderLen(-1)
            .setMaxContentLen(-1)
            .build();

    private final byte[] content;

    MimeWalk(byte[] content) {
        this.content = content;
    }

    /** The message in {@code content[from, to)}, nested {@code depth} levels deep. */
    MessageStructure message(int from, int to, int depth) {
        Walk walk = new Walk(from, to, depth);
        MessageStructure.Part body = walk.run();
        return new MessageStructure(MimeFields.envelope(walk.topFields), body);
    }

    /** One entity being walked: what is known of it so far. */
    private static final class Frame {
        final int headerStart;
        final int limit;
        int bodyStart = -1;
        int end = -1;
        BodyDescriptor descriptor;
        final MimeFields fields = new MimeFields();
        final List<MessageStructure.Part> children = new ArrayList<>();

        Frame(int headerStart, int limit) {
            this.headerStart = headerStart;
            this.limit = limit;
        }
    }

    /** Counts the octets of the header lines mime4j reads, including those of fields it drops as invalid. */
    private static final class CountingFieldBuilder implements FieldBuilder {
        private final DefaultFieldBuilder delegate = new DefaultFieldBuilder(-1);
        long count;

        @Override
        public void reset() {
            delegate.reset();
        }

        @Override
        public void append(ByteArrayBuffer line) throws MimeException {
            count += line.length();
            delegate.append(line);
        }

        @Override
        public RawField build() throws MimeException {
            return delegate.build();
        }

        @Override
        public RecycledByteArrayBuffer getRaw() {
            return delegate.getRaw();
        }

        @Override
        public void release() {
            delegate.release();
        }
    }

    /** Notes mime4j's report that a header ended without its blank line; otherwise silent and lenient. */
    private static final class EventMonitor extends DecodeMonitor {
        private static final String HEADERS_PREMATURE_END = Event.HEADERS_PREMATURE_END.toString();
        boolean headerEndedEarly;

        @Override
        public boolean warn(String message, String action) {
            if (message != null && message.endsWith(HEADERS_PREMATURE_END)) headerEndedEarly = true;
            return false; // lenient: never turn a warning into an exception
        }

        @Override
        public boolean isListening() {
            return true;
        }
    }

    private final class Walk {
        private final int from;
        private final int to;
        private final int depth;
        private final CountingFieldBuilder fieldBuilder = new CountingFieldBuilder();
        private final EventMonitor monitor = new EventMonitor();
        private final Deque<Frame> stack = new ArrayDeque<>();
        private MessageStructure.Part result;
        private int pos;
        MimeFields topFields = new MimeFields();

        Walk(int from, int to, int depth) {
            this.from = from;
            this.to = to;
            this.depth = depth;
            this.pos = from;
        }

        MessageStructure.Part run() {
            MimeTokenStream tokens = new MimeTokenStream(CONFIG, monitor, fieldBuilder, null);
            tokens.setRecursionMode(RecursionMode.M_NO_RECURSE); // message/rfc822 is parsed by message()
            tokens.parse(new ByteArrayInputStream(content, from, to - from));
            try {
                for (EntityState state = tokens.getState(); state != EntityState.T_END_OF_STREAM && result == null;
                     state = tokens.next()) {
                    step(tokens, state);
                }
            } catch (MimeException | IOException | RuntimeException e) {
                // Malformed beyond what mime4j tolerates: close what is open where it stands (RFC 9051 §7.5.2
                // wants a structure for every message, not an error).
                while (!stack.isEmpty() && result == null) close(stack.peek().limit);
            } finally {
                tokens.stop();
            }
            while (!stack.isEmpty() && result == null) close(stack.peek().limit);
            if (result == null) result = MimeFields.part(new MimeFields(), null, from, to, to, 0, List.of(), Optional.empty());
            return result;
        }

        private void step(MimeTokenStream tokens, EntityState state) throws IOException {
            switch (state) {
                case T_START_MESSAGE -> stack.push(new Frame(from, to));
                case T_START_BODYPART -> {
                    Frame parent = stack.peek();
                    pos = skipDelimiter(pos, parent.descriptor.getBoundary(), parent.limit);
                    int limit = partLimit(pos, parent.descriptor.getBoundary(), parent.limit);
                    // Bounded nesting: a part this deep is not split further, whatever its type.
                    if (depth + stack.size() >= MAX_DEPTH) tokens.setRecursionMode(RecursionMode.M_FLAT);
                    stack.push(new Frame(pos, limit));
                }
                case T_START_HEADER -> {
                    fieldBuilder.count = 0;
                    monitor.headerEndedEarly = false;
                }
                case T_FIELD -> stack.peek().fields.add(tokens.getField());
                case T_END_HEADER -> {
                    Frame frame = stack.peek();
                    int bodyStart = (int) Math.min(frame.limit, frame.headerStart + fieldBuilder.count);
                    if (!monitor.headerEndedEarly) bodyStart = afterLineBreak(bodyStart, frame.limit);
                    frame.bodyStart = bodyStart;
                    pos = bodyStart;
                }
                case T_BODY -> {
                    Frame frame = stack.peek();
                    frame.descriptor = tokens.getBodyDescriptor();
                    long length = count(tokens.getInputStream());
                    frame.end = (int) Math.min(frame.limit, frame.bodyStart + length);
                    pos = frame.end;
                }
                case T_START_MULTIPART -> stack.peek().descriptor = tokens.getBodyDescriptor();
                case T_PREAMBLE -> pos = (int) Math.min(stack.peek().limit, pos + count(tokens.getInputStream()));
                case T_EPILOGUE -> {
                    Frame frame = stack.peek();
                    pos = skipDelimiter(pos, frame.descriptor.getBoundary(), frame.limit);
                    pos = (int) Math.min(frame.limit, pos + count(tokens.getInputStream()));
                }
                // RFC 2046 §5.1.1: a multipart's body runs to where its container's next delimiter begins.
                case T_END_MULTIPART -> stack.peek().end = stack.peek().limit;
                case T_END_BODYPART, T_END_MESSAGE -> close(stack.peek().end);
                default -> { } // T_RAW_ENTITY does not occur outside M_RAW; T_END_OF_STREAM ends the loop
            }
        }

        /** Finishes the innermost open entity at {@code end} and hands it to its parent. */
        private void close(int end) {
            Frame frame = stack.pop();
            if (frame.bodyStart < 0) frame.bodyStart = Math.min(Math.max(pos, frame.headerStart), frame.limit);
            int stop = Math.max(frame.bodyStart, Math.min(end < 0 ? frame.limit : end, frame.limit));
            if (stack.isEmpty()) topFields = frame.fields;
            MessageStructure.Part part = build(frame, stop);
            pos = stop;
            if (stack.isEmpty()) {
                result = part;
            } else {
                stack.peek().children.add(part);
            }
        }

        private MessageStructure.Part build(Frame frame, int end) {
            BodyDescriptor d = frame.descriptor;
            boolean multipart = d != null && d.getMediaType().equals("multipart");
            Optional<MessageStructure> message = Optional.empty();
            int nested = depth + stack.size() + 1;
            if (d != null && isMessage(d) && nested < MAX_DEPTH) message = Optional.of(message(frame.bodyStart, end, nested));
            boolean counted = d == null || d.getMediaType().equals("text") || isMessage(d);
            long lines = counted ? lines(frame.bodyStart, end) : 0;
            return MimeFields.part(frame.fields, d, frame.headerStart, frame.bodyStart, end, lines,
                    multipart ? frame.children : List.of(), message);
        }
    }

    /**
     * message/rfc822 and message/global (RFC 6532 §3.7) hold a message, but only in an identity encoding
     * (RFC 2046 §5.2.1); an encoded one is treated as opaque.
     */
    private static boolean isMessage(BodyDescriptor d) {
        String subtype = d.getSubType();
        String encoding = d.getTransferEncoding();
        return d.getMediaType().equals("message") && (subtype.equals("rfc822") || subtype.equals("global"))
                && (encoding.equals("7bit") || encoding.equals("8bit") || encoding.equals("binary"));
    }

    private static long count(InputStream in) throws IOException {
        return in.transferTo(OutputStream.nullOutputStream());
    }

    /** Lines of a body: its LFs, and one more for a last line without one. */
    private long lines(int start, int end) {
        long lines = 0;
        for (int i = start; i < end; i++) if (content[i] == '\n') lines++;
        if (end > start && content[end - 1] != '\n') lines++;
        return lines;
    }

    private int afterLineBreak(int at, int limit) {
        if (at + 1 < limit && content[at] == '\r' && content[at + 1] == '\n') return at + 2;
        if (at < limit && content[at] == '\n') return at + 1;
        return at;
    }

    /** Past the delimiter line that starts at {@code at} (after the line break before it), within {@code limit}. */
    private int skipDelimiter(int at, String boundary, int limit) {
        int dash = afterLineBreak(at, limit);
        if (!startsWith(dash, boundary, limit)) {
            dash = delimiter(at, boundary, limit); // mime4j matched where this walk did not expect it
            if (dash < 0) return at;
        }
        int i = dash + 2 + boundary.length();
        while (i < limit && content[i] != '\n') i++;
        return Math.min(limit, i + 1);
    }

    /** Where a body part starting at {@code at} ends: before the line break ahead of the next delimiter. */
    private int partLimit(int at, String boundary, int limit) {
        int dash = delimiter(at, boundary, limit);
        if (dash < 0) return limit;
        int end = dash;
        if (end > at && content[end - 1] == '\n') end--;
        if (end > at && content[end - 1] == '\r') end--;
        return end;
    }

    /**
     * The first {@code --boundary} at a line start in {@code [at, limit)} that is followed by white space,
     * {@code --} or the end, as mime4j's MimeBoundaryInputStream matches it; -1 when there is none.
     */
    private int delimiter(int at, String boundary, int limit) {
        int i = at;
        while (i + 2 + boundary.length() <= limit) {
            if (startsWith(i, boundary, limit)) {
                int after = i + 2 + boundary.length();
                if (after >= limit) return i;
                byte b = content[after];
                if (b == ' ' || b == '\t' || b == '\r' || b == '\n') return i;
                if (b == '-' && after + 1 < limit && content[after + 1] == '-') return i;
            }
            int lf = indexOf((byte) '\n', i, limit);
            if (lf < 0) return -1;
            i = lf + 1;
        }
        return -1;
    }

    private int indexOf(byte b, int from, int limit) {
        for (int i = from; i < limit; i++) if (content[i] == b) return i;
        return -1;
    }

    private boolean startsWith(int at, String boundary, int limit) {
        if (at + 2 + boundary.length() > limit || content[at] != '-' || content[at + 1] != '-') return false;
        for (int i = 0; i < boundary.length(); i++) {
            if (content[at + 2 + i] != (byte) boundary.charAt(i)) return false;
        }
        return true;
    }
}
