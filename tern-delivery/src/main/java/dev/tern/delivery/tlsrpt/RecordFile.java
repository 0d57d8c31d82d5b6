package dev.tern.delivery.tlsrpt;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The line format of the TLS-RPT files: one record a line, {@code <crc32 hex> <field>\t<field>...\n}, fields with
 * {@code \}, tab, CR and LF escaped. A line that is torn (no newline: the process died mid-write), too long, or
 * whose checksum does not match is skipped on reading, never fatal. Appending to a file whose last line is torn
 * first ends that line, so the torn fragment stays one bad line and the next record is whole.
 */
final class RecordFile {
    /** Longer lines are not written (and skipped when read): a record is small. */
    static final int MAX_LINE = 64 * 1024;

    private RecordFile() {}

    /** One record's line, or empty when it would be longer than {@link #MAX_LINE}. */
    static byte[] encode(List<String> fields) {
        StringBuilder payload = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) payload.append('\t');
            escape(fields.get(i), payload);
        }
        byte[] body = payload.toString().getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(body);
        String line = HexFormat.of().toHexDigits((int) crc.getValue()) + " " + payload + "\n";
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return bytes.length > MAX_LINE ? new byte[0] : bytes;
    }

    /** The fields of one line (without its newline), or null when it is damaged. */
    static List<String> decode(byte[] line, int length) {
        if (length < 10 || line[8] != ' ') return null;
        String crcText = new String(line, 0, 8, StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(line, 9, length - 9);
        if (!crcText.equals(HexFormat.of().toHexDigits((int) crc.getValue()))) return null;
        String payload = new String(line, 9, length - 9, StandardCharsets.UTF_8);
        List<String> fields = new ArrayList<>();
        for (String field : payload.split("\t", -1)) {
            String value = unescape(field);
            if (value == null) return null;
            fields.add(value);
        }
        return fields;
    }

    /**
     * Reads every whole, intact record of {@code file} in order; returns how many lines were skipped as damaged. A
     * missing file has no records.
     */
    static int read(Path file, Consumer<List<String>> records) throws IOException {
        int skipped = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            byte[] line = new byte[MAX_LINE];
            int length = 0;
            boolean tooLong = false;
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    List<String> fields = tooLong ? null : decode(line, length);
                    if (fields == null) {
                        skipped++;
                    } else {
                        records.accept(fields);
                    }
                    length = 0;
                    tooLong = false;
                } else if (length < MAX_LINE) {
                    line[length++] = (byte) b;
                } else {
                    tooLong = true;
                }
            }
            if (length > 0 || tooLong) skipped++; // torn last line
        } catch (NoSuchFileException e) {
            return 0;
        }
        return skipped;
    }

    /** Opens {@code file} for appending (creating it), ending a torn last line first. No fsync: telemetry. */
    static FileChannel openForAppend(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        long size = channel.size();
        if (size > 0) {
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.read(last, size - 1);
            channel.position(size);
            if (last.get(0) != '\n') write(channel, new byte[] {'\n'});
        }
        return channel;
    }

    static void write(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) channel.write(buffer);
    }

    /** Writes a record into the in-memory batch {@code out}. */
    static void append(ByteArrayOutputStream out, List<String> fields) {
        byte[] line = encode(fields);
        out.write(line, 0, line.length);
    }

    private static void escape(String text, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }

    private static String unescape(String text) {
        if (text.indexOf('\\') < 0) return text;
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i == text.length()) return null;
            switch (text.charAt(i)) {
                case '\\' -> out.append('\\');
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                default -> {
                    return null;
                }
            }
        }
        return out.toString();
    }
}
