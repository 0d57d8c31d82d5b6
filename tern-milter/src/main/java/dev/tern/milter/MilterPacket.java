package dev.tern.milter;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One packet of the milter protocol and the encodings of the commands Tern sends. Pure: no I/O here. */
record MilterPacket(byte command, byte[] data) {
    MilterPacket {
        Objects.requireNonNull(data, "data");
    }

    /** The wire form: length (command byte included), command, data. */
    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(5 + data.length);
        b.putInt(data.length + 1).put(command).put(data);
        return b.array();
    }

    /**
     * Checks the 4-byte length a filter announced before anything is allocated for it: at least the command byte,
     * at most {@code max}. Returns the data length, or -1 when the length is out of bounds.
     */
    static int dataLength(int announced, int max) {
        if (announced < 1 || announced > max) return -1;
        return announced - 1;
    }

    static MilterPacket optionNegotiation(int version, int actions, int protocol) {
        return new MilterPacket(MilterProtocol.OPTNEG, ByteBuffer.allocate(12).putInt(version).putInt(actions).putInt(protocol).array());
    }

    /** SMFIC_CONNECT: hostname, family, then for IP and UNIX families the port and the address. */
    static MilterPacket connect(ConnectInfo info) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        string(out, info.hostname());
        out.write(info.family().code);
        if (info.family() != ConnectInfo.Family.UNKNOWN) {
            out.write(info.port() >> 8);
            out.write(info.port() & 0xff);
            string(out, info.address());
        }
        return new MilterPacket(MilterProtocol.CONNECT, out.toByteArray());
    }

    /** A command whose data is NUL-terminated strings (HELO, MAIL, RCPT, HEADER). */
    static MilterPacket strings(byte command, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String arg : args) string(out, arg);
        return new MilterPacket(command, out.toByteArray());
    }

    static MilterPacket empty(byte command) {
        return new MilterPacket(command, new byte[0]);
    }

    /** SMFIC_MACRO: the command the macros precede, then name and value pairs. */
    static MilterPacket macros(byte stage, Map<String, String> macros) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(stage);
        macros.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            string(out, e.getKey());
            string(out, e.getValue());
        });
        return new MilterPacket(MilterProtocol.MACRO, out.toByteArray());
    }

    private static void string(ByteArrayOutputStream out, String s) {
        // A NUL inside would end the string early and shift every later field; it cannot be sent.
        out.writeBytes(s.replace('\0', ' ').getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
