package dev.tern.milter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** One packet from a filter, decoded. A packet that does not parse is {@link Malformed}, never an exception. */
sealed interface FilterResponse {
    record Continue() implements FilterResponse {}

    record Accept() implements FilterResponse {}

    record Reject() implements FilterResponse {}

    record Tempfail() implements FilterResponse {}

    record Discard() implements FilterResponse {}

    record ReplyCode(SmtpReply reply) implements FilterResponse {}

    record Skip() implements FilterResponse {}

    record Progress() implements FilterResponse {}

    /** SMFIR_SHUTDOWN or SMFIR_CONN_FAIL: the filter gives up on this connection. */
    record Shutdown() implements FilterResponse {}

    record Modification(HeaderChange change) implements FilterResponse {}

    record Quarantine(String reason) implements FilterResponse {}

    /** An action Tern never offers (body, recipients, sender, symbol list outside negotiation). */
    record Refused(char command) implements FilterResponse {}

    /** The filter's SMFIC_OPTNEG answer; {@code macros} maps a command byte to the macro names it wants there. */
    record Negotiate(int version, int actions, int protocol, Map<Byte, List<String>> macros) implements FilterResponse {
        public Negotiate {
            macros = Map.copyOf(macros);
        }
    }

    record Malformed(String reason) implements FilterResponse {}

    static FilterResponse decode(MilterPacket packet) {
        byte[] d = packet.data();
        return switch (packet.command()) {
            case MilterProtocol.R_CONTINUE -> empty(d, new Continue());
            case MilterProtocol.R_ACCEPT -> empty(d, new Accept());
            case MilterProtocol.R_REJECT -> empty(d, new Reject());
            case MilterProtocol.R_TEMPFAIL -> empty(d, new Tempfail());
            case MilterProtocol.R_DISCARD -> empty(d, new Discard());
            case MilterProtocol.R_SKIP -> empty(d, new Skip());
            case MilterProtocol.R_PROGRESS -> empty(d, new Progress());
            case MilterProtocol.R_SHUTDOWN, MilterProtocol.R_CONN_FAIL -> new Shutdown();
            case MilterProtocol.R_REPLYCODE -> replyCode(d);
            case MilterProtocol.R_ADDHEADER -> plainHeader(d);
            case MilterProtocol.R_INSHEADER -> indexedHeader(d, false);
            case MilterProtocol.R_CHGHEADER -> indexedHeader(d, true);
            case MilterProtocol.R_QUARANTINE -> quarantine(d);
            case MilterProtocol.R_ADDRCPT, MilterProtocol.R_DELRCPT, MilterProtocol.R_ADDRCPT_PAR, MilterProtocol.R_REPLBODY,
                    MilterProtocol.R_CHGFROM, MilterProtocol.R_SETSYMLIST -> new Refused((char) packet.command());
            case MilterProtocol.OPTNEG -> negotiate(d);
            default -> new Malformed("unknown reply '" + printable(packet.command()) + "'");
        };
    }

    private static FilterResponse empty(byte[] d, FilterResponse response) {
        // libmilter sends these without data; tolerate none else.
        return d.length == 0 ? response : new Malformed("unexpected data after '" + response.getClass().getSimpleName() + "'");
    }

    private static FilterResponse replyCode(byte[] d) {
        List<String> parts = strings(d, 0);
        if (parts == null || parts.size() != 1) return new Malformed("reply code is not one NUL-terminated string");
        return SmtpReply.parse(parts.getFirst())
                .<FilterResponse>map(ReplyCode::new)
                .orElseGet(() -> new Malformed("reply code is not a 4xx/5xx reply"));
    }

    private static FilterResponse plainHeader(byte[] d) {
        List<String> parts = strings(d, 0);
        if (parts == null || parts.size() != 2) return new Malformed("header is not name and value");
        return modification(() -> new HeaderChange.Add(parts.get(0), parts.get(1)));
    }

    private static FilterResponse indexedHeader(byte[] d, boolean change) {
        if (d.length < 4) return new Malformed("header index missing");
        long index = Integer.toUnsignedLong(ByteBuffer.wrap(d, 0, 4).getInt());
        if (index > Integer.MAX_VALUE) return new Malformed("header index out of range");
        List<String> parts = strings(d, 4);
        if (parts == null || parts.size() != 2) return new Malformed("header is not index, name and value");
        int i = (int) index;
        return modification(() -> change
                ? new HeaderChange.Change(parts.get(0), i, parts.get(1))
                : new HeaderChange.Insert(i, parts.get(0), parts.get(1)));
    }

    private static FilterResponse modification(Supplier<HeaderChange> change) {
        try {
            return new Modification(change.get());
        } catch (IllegalArgumentException e) {
            return new Malformed(e.getMessage());
        }
    }

    private static FilterResponse quarantine(byte[] d) {
        List<String> parts = strings(d, 0);
        if (parts == null || parts.size() != 1) return new Malformed("quarantine reason is not one string");
        return new Quarantine(parts.getFirst());
    }

    private static FilterResponse negotiate(byte[] d) {
        if (d.length < 12) return new Malformed("option negotiation shorter than 12 bytes");
        ByteBuffer b = ByteBuffer.wrap(d);
        int version = b.getInt();
        int actions = b.getInt();
        int protocol = b.getInt();
        Map<Byte, List<String>> macros = new HashMap<>();
        // Version 6: after the masks, pairs of a 32-bit stage and a NUL-terminated space-separated name list.
        while (b.remaining() > 0) {
            if (b.remaining() < 5) return new Malformed("truncated macro list in option negotiation");
            int stage = b.getInt();
            int start = b.position();
            int end = start;
            while (end < d.length && d[end] != 0) end++;
            if (end == d.length) return new Malformed("macro list without NUL");
            byte command = MilterProtocol.stageCommand(stage);
            if (command == 0) return new Malformed("unknown macro stage " + stage);
            String names = new String(d, start, end - start, StandardCharsets.US_ASCII).trim();
            macros.put(command, names.isEmpty() ? List.of() : List.of(names.split(" +")));
            b.position(end + 1);
        }
        return new Negotiate(version, actions, protocol, macros);
    }

    /** The NUL-terminated strings of {@code d} from {@code offset}, or null when the last one lacks its NUL. */
    static List<String> strings(byte[] d, int offset) {
        List<String> out = new ArrayList<>();
        int start = offset;
        for (int i = offset; i < d.length; i++) {
            if (d[i] == 0) {
                out.add(new String(d, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return start == d.length ? out : null;
    }

    private static String printable(byte b) {
        return b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("0x%02x", b & 0xff);
    }
}
