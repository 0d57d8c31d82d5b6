package dev.tern.store;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The index's framing: a frame is {@code length (4 octets, big-endian) | CRC32C of the payload (4) | payload}, and
 * a payload is one transaction: its records, each a kind octet and its fields. A frame that is short, too long, or
 * whose CRC does not match ends the valid part of a file: what follows is a torn tail and is cut off.
 */
final class IndexCodec {
    static final int HEADER = 8;
    /** Far above any real transaction (a STORE on a million messages is ~30 MB); a larger length is garbage. */
    static final int MAX_PAYLOAD = 256 * 1024 * 1024;
    private static final byte INIT = 1, APPEND = 2, FLAGS = 3, EXPUNGE = 4, STATE = 5, END = 6;

    private IndexCodec() {}

    /** The valid transactions of a file and where they end. */
    record Decoded(List<List<IndexRecord>> transactions, long validLength) {}

    static byte[] frame(List<? extends IndexRecord> transaction) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * transaction.size() + HEADER);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(0); // room for length and CRC
            for (IndexRecord record : transaction) write(out, record);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        byte[] frame = bytes.toByteArray();
        int length = frame.length - HEADER;
        if (length > MAX_PAYLOAD) throw new IllegalArgumentException("transaction too large");
        CRC32C crc = new CRC32C();
        crc.update(frame, HEADER, length);
        ByteBuffer.wrap(frame).putInt(length).putInt((int) crc.getValue());
        return frame;
    }

    /** Frames any payload this way (the structure cache's entries). */
    static byte[] frame(byte[] payload) {
        if (payload.length > MAX_PAYLOAD) throw new IllegalArgumentException("payload too large");
        CRC32C crc = new CRC32C();
        crc.update(payload, 0, payload.length);
        return ByteBuffer.allocate(HEADER + payload.length).putInt(payload.length).putInt((int) crc.getValue())
                .put(payload).array();
    }

    static Decoded decode(byte[] file) {
        List<List<IndexRecord>> transactions = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(file);
        long valid = 0;
        while (in.remaining() >= HEADER) {
            int length = in.getInt();
            int expected = in.getInt();
            if (length < 0 || length > MAX_PAYLOAD || length > in.remaining()) break;
            CRC32C crc = new CRC32C();
            crc.update(file, in.position(), length);
            if ((int) crc.getValue() != expected) break;
            List<IndexRecord> records = readPayload(in.slice(in.position(), length));
            if (records == null) break;
            transactions.add(records);
            in.position(in.position() + length);
            valid = in.position();
        }
        return new Decoded(List.copyOf(transactions), valid);
    }

    /** The records of a payload whose CRC matched, or null when it does not parse (a bug or a foreign file). */
    private static List<IndexRecord> readPayload(ByteBuffer in) {
        List<IndexRecord> records = new ArrayList<>();
        try {
            while (in.hasRemaining()) records.add(read(in));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            return null;
        }
        return records.isEmpty() ? null : records;
    }

    private static void write(DataOutputStream out, IndexRecord record) throws IOException {
        switch (record) {
            case IndexRecord.Init r -> {
                out.writeByte(INIT);
                out.writeLong(r.uidValidity());
            }
            case IndexRecord.Append r -> {
                out.writeByte(APPEND);
                out.writeLong(r.uid());
                out.writeLong(r.modSeq());
                out.writeLong(r.internalDate().toEpochMilli());
                out.writeLong(r.size());
                writeFlags(out, r.flags());
                writeString(out, r.file());
            }
            case IndexRecord.Flags r -> {
                out.writeByte(FLAGS);
                out.writeLong(r.uid());
                out.writeLong(r.modSeq());
                writeFlags(out, r.flags());
            }
            case IndexRecord.Expunge r -> {
                out.writeByte(EXPUNGE);
                out.writeLong(r.modSeq());
                out.writeInt(r.uids().size());
                for (long uid : r.uids()) out.writeLong(uid);
            }
            case IndexRecord.State r -> {
                out.writeByte(STATE);
                out.writeLong(r.uidValidity());
                out.writeLong(r.uidNext());
                out.writeLong(r.highestModSeq());
                out.writeLong(r.expungeHorizon());
            }
            case IndexRecord.End r -> {
                out.writeByte(END);
                out.writeLong(r.records());
            }
        }
    }

    private static IndexRecord read(ByteBuffer in) {
        byte kind = in.get();
        return switch (kind) {
            case INIT -> new IndexRecord.Init(in.getLong());
            case APPEND -> {
                long uid = in.getLong();
                long modSeq = in.getLong();
                Instant date = Instant.ofEpochMilli(in.getLong());
                long size = in.getLong();
                Set<String> flags = readFlags(in);
                yield new IndexRecord.Append(uid, readString(in), date, size, flags, modSeq);
            }
            case FLAGS -> {
                long uid = in.getLong();
                long modSeq = in.getLong();
                yield new IndexRecord.Flags(uid, readFlags(in), modSeq);
            }
            case EXPUNGE -> {
                long modSeq = in.getLong();
                int count = in.getInt();
                if (count < 0 || count > in.remaining() / 8) throw new IllegalArgumentException("bad count");
                List<Long> uids = new ArrayList<>(count);
                for (int i = 0; i < count; i++) uids.add(in.getLong());
                yield new IndexRecord.Expunge(uids, modSeq);
            }
            case STATE -> new IndexRecord.State(in.getLong(), in.getLong(), in.getLong(), in.getLong());
            case END -> new IndexRecord.End(in.getLong());
            default -> throw new IllegalArgumentException("unknown record kind " + kind);
        };
    }

    private static void writeFlags(DataOutputStream out, Set<String> flags) throws IOException {
        // The count is 16 bits: more would make a frame that passes its CRC and decodes wrong.
        if (flags.size() > 0xFFFF) throw new IOException("too many flags on one message: " + flags.size());
        out.writeShort(flags.size());
        for (String flag : flags) writeString(out, flag);
    }

    private static Set<String> readFlags(ByteBuffer in) {
        int count = in.getShort() & 0xffff;
        Set<String> flags = new HashSet<>(count * 2);
        for (int i = 0; i < count; i++) flags.add(readString(in));
        return flags;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 0xffff) throw new IllegalArgumentException("string too long for the index");
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static String readString(ByteBuffer in) {
        int length = in.getShort() & 0xffff;
        byte[] utf8 = new byte[length];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
