package dev.tern.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link MessageStructure} as octets, for the structure cache ({@code tern-index.cache}, {@code docs/store.md}):
 * every field in declaration order; strings as {@code length (i32, -1 for null) | UTF-8}, lists and maps as a
 * count (i32) and their items, offsets as i64. Decoding checks counts against what is left and nesting against
 * {@link #MAX_DEPTH}, and throws {@link IllegalArgumentException} on anything that does not fit: a cache entry
 * that does not decode is a miss.
 */
final class StructureCodec {
    /** Deeper than any structure {@link StructureParser} makes ({@link MimeWalk#MAX_DEPTH}), with room. */
    static final int MAX_DEPTH = 4 * MimeWalk.MAX_DEPTH + 8;

    private StructureCodec() {}

    static byte[] encode(MessageStructure structure) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, structure);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static MessageStructure decode(ByteBuffer in) {
        try {
            MessageStructure structure = readStructure(in, 0);
            if (in.hasRemaining()) throw new IllegalArgumentException("trailing octets");
            return structure;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("short structure", e);
        }
    }

    private static void write(DataOutputStream out, MessageStructure structure) throws IOException {
        MessageStructure.Envelope e = structure.envelope();
        writeString(out, e.date());
        writeString(out, e.subject());
        for (List<MessageStructure.Address> list : List.of(e.from(), e.sender(), e.replyTo(), e.to(), e.cc(), e.bcc())) {
            out.writeInt(list.size());
            for (MessageStructure.Address a : list) {
                writeString(out, a.name());
                writeString(out, a.adl());
                writeString(out, a.mailbox());
                writeString(out, a.host());
            }
        }
        writeString(out, e.inReplyTo());
        writeString(out, e.messageId());
        write(out, structure.body());
    }

    private static void write(DataOutputStream out, MessageStructure.Part p) throws IOException {
        writeString(out, p.type());
        writeString(out, p.subtype());
        writeMap(out, p.parameters());
        writeString(out, p.id());
        writeString(out, p.description());
        writeString(out, p.encoding());
        writeString(out, p.md5());
        writeString(out, p.disposition());
        writeMap(out, p.dispositionParameters());
        out.writeInt(p.language().size());
        for (String tag : p.language()) writeString(out, tag);
        writeString(out, p.location());
        out.writeLong(p.headerStart());
        out.writeLong(p.bodyStart());
        out.writeLong(p.end());
        out.writeLong(p.lines());
        out.writeInt(p.parts().size());
        for (MessageStructure.Part child : p.parts()) write(out, child);
        out.writeBoolean(p.message().isPresent());
        if (p.message().isPresent()) write(out, p.message().get());
    }

    private static MessageStructure readStructure(ByteBuffer in, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("nested too deep");
        String date = readString(in);
        String subject = readString(in);
        List<List<MessageStructure.Address>> lists = new ArrayList<>(6);
        for (int l = 0; l < 6; l++) {
            int count = count(in, 16);
            List<MessageStructure.Address> list = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                list.add(new MessageStructure.Address(readString(in), readString(in), readString(in), readString(in)));
            }
            lists.add(list);
        }
        String inReplyTo = readString(in);
        String messageId = readString(in);
        MessageStructure.Envelope envelope = new MessageStructure.Envelope(date, subject, lists.get(0), lists.get(1),
                lists.get(2), lists.get(3), lists.get(4), lists.get(5), inReplyTo, messageId);
        return new MessageStructure(envelope, readPart(in, depth + 1));
    }

    private static MessageStructure.Part readPart(ByteBuffer in, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("nested too deep");
        String type = readString(in);
        String subtype = readString(in);
        Map<String, String> parameters = readMap(in);
        String id = readString(in);
        String description = readString(in);
        String encoding = readString(in);
        String md5 = readString(in);
        String disposition = readString(in);
        Map<String, String> dispositionParameters = readMap(in);
        int languages = count(in, 4);
        List<String> language = new ArrayList<>(languages);
        for (int i = 0; i < languages; i++) language.add(readString(in));
        String location = readString(in);
        long headerStart = in.getLong();
        long bodyStart = in.getLong();
        long end = in.getLong();
        long lines = in.getLong();
        int count = count(in, 40);
        List<MessageStructure.Part> parts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) parts.add(readPart(in, depth + 1));
        Optional<MessageStructure> message = in.get() != 0 ? Optional.of(readStructure(in, depth + 1)) : Optional.empty();
        return new MessageStructure.Part(type, subtype, parameters, id, description, encoding, md5, disposition,
                dispositionParameters, language, location, headerStart, bodyStart, end, lines, parts, message);
    }

    private static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> entry : map.entrySet()) {
            writeString(out, entry.getKey());
            writeString(out, entry.getValue());
        }
    }

    private static Map<String, String> readMap(ByteBuffer in) {
        int count = count(in, 8);
        Map<String, String> map = new LinkedHashMap<>(Math.max(4, count * 2));
        for (int i = 0; i < count; i++) map.put(readString(in), readString(in));
        return map;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(ByteBuffer in) {
        int length = in.getInt();
        if (length == -1) return null;
        if (length < 0 || length > in.remaining()) throw new IllegalArgumentException("bad string length");
        String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    /** A count of items each at least {@code minimum} octets long: more than what is left is garbage. */
    private static int count(ByteBuffer in, int minimum) {
        int count = in.getInt();
        if (count < 0 || (long) count * minimum > in.remaining()) throw new IllegalArgumentException("bad count");
        return count;
    }
}
