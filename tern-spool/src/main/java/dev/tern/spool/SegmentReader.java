package dev.tern.spool;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads one segment file record by record, checking every CRC, and finds where its valid records end.
 *
 * <p>A record is valid when its frame is complete, its meta length is sane, the CRC32C of its meta matches,
 * and, for a message, its whole content is present and matches the CRC32C in the meta. The first invalid
 * record ends the segment: a crash can only tear the records of the last, unflushed batch, and nothing after
 * a torn record was ever acknowledged.
 */
final class SegmentReader {
    /** Receives each valid record with where it lies. */
    interface Visitor {
        void record(LogRecord record, SegmentLog.Location location) throws IOException;
    }

    private static final int CHUNK = 256 * 1024;

    private SegmentReader() {}

    /**
     * Visits the valid records of segment {@code number} at {@code path}.
     *
     * @return the offset where the valid records end; less than the file size when the tail is torn
     * @throws IOException when the header is not this format, or a record with a good CRC does not decode
     *                     (written by a newer version, or a bug): the spool then refuses to start rather
     *                     than drop mail it cannot read
     */
    static long scan(long number, Path path, Visitor visitor) throws IOException {
        try (var channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer header = ByteBuffer.allocate(Segments.HEADER_BYTES);
            readFully(channel, header, 0);
            if (!Segments.isCurrentHeader(header.flip())) {
                throw new IOException("not a version 1 or " + Segments.VERSION + " spool segment: " + path);
            }
            long position = Segments.HEADER_BYTES;
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
            while (true) {
                long next = validRecordEnd(channel, position, size, number, visitor, chunk);
                if (next < 0) return position;
                position = next;
            }
        }
    }

    /** Visits the record at {@code position} and returns where the next begins, or -1 if it is not valid. */
    private static long validRecordEnd(FileChannel channel, long position, long size, long number, Visitor visitor,
                                       ByteBuffer chunk) throws IOException {
        if (size - position < RecordCodec.FRAME_BYTES) return -1;
        ByteBuffer frameHead = ByteBuffer.allocate(RecordCodec.FRAME_BYTES);
        readFully(channel, frameHead, position);
        int metaLength = frameHead.getInt(0);
        long metaEnd = position + RecordCodec.FRAME_BYTES + metaLength;
        if (metaLength < 1 || metaLength > RecordCodec.MAX_META_BYTES || metaEnd > size) return -1;
        byte[] frame = new byte[RecordCodec.FRAME_BYTES + metaLength];
        frameHead.get(0, frame, 0, RecordCodec.FRAME_BYTES);
        long metaStart = position + RecordCodec.FRAME_BYTES;
        readFully(channel, ByteBuffer.wrap(frame, RecordCodec.FRAME_BYTES, metaLength), metaStart);
        if (RecordCodec.crc(frame, metaLength) != frameHead.getInt(4)) return -1;
        LogRecord record;
        try {
            record = RecordCodec.decode(ByteBuffer.wrap(frame, RecordCodec.FRAME_BYTES, metaLength).slice());
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new IOException("undecodable spool record in segment " + number + " at " + position, e);
        }
        long contentLength = record instanceof LogRecord.Message m ? m.contentLength() : 0;
        if (contentLength > size - metaEnd) return -1;
        if (record instanceof LogRecord.Message m && crc(channel, metaEnd, contentLength, chunk) != m.contentCrc()) {
            return -1;
        }
        visitor.record(record, new SegmentLog.Location(number, metaEnd));
        return metaEnd + contentLength;
    }

    private static int crc(FileChannel channel, long position, long length, ByteBuffer chunk) throws IOException {
        var crc = new CRC32C();
        long done = 0;
        while (done < length) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), length - done));
            readFully(channel, chunk, position + done);
            crc.update(chunk.flip());
            done += chunk.limit();
        }
        return (int) crc.getValue();
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) throw new EOFException("spool file ended early");
            at += n;
        }
    }
}
