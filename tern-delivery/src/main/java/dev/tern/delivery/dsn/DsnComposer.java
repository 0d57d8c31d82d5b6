package dev.tern.delivery.dsn;

import dev.tern.mail.Domain;
import dev.tern.mail.Envelope;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Composes delivery status notifications: from a {@link Dsn} and the original message to the bytes of a
 * complete RFC 5322 message, a {@code multipart/report; report-type=delivery-status} (RFC 6522, RFC 3464) with
 * three parts: a text/plain explanation, the message/delivery-status fields, and the original (whole as
 * message/rfc822, or its header as text/rfc822-headers). For an international message (SMTPUTF8, or a
 * non-ASCII address) the RFC 6533 forms: global-delivery-status, message/global, message/global-headers and
 * {@code utf-8} address types.
 *
 * <p>Which part of the original comes back (RFC 3461 §4.3): a failure report returns the whole message unless
 * the sender asked RET=HDRS or it is larger than {@link DsnSettings#returnLimit()}; then, and in every delay or
 * success report, only the header section comes back.
 *
 * <p>Pure: no clock, no randomness, no logging; every date comes from the {@code Dsn}. The only I/O is reading
 * the original (at most returnLimit + 1 octets) and writing the result. Every line ends in CRLF, no line is
 * longer than 998 octets, and there is no bare CR or LF (RFC 5322 §2.1.1, §2.3). Thread-safe.
 */
public final class DsnComposer {
    private final Domain hostname;
    private final DsnSettings settings;

    /** @param hostname this MTA's name: {@code Reporting-MTA}, {@code From: MAILER-DAEMON@hostname}, Message-ID */
    public DsnComposer(Domain hostname, DsnSettings settings) {
        if (hostname == null || settings == null) throw new IllegalArgumentException("null composer setting");
        this.hostname = hostname;
        this.settings = settings;
    }

    /** The DSN as bytes in memory with its envelope; see {@link #writeTo}. */
    public DsnMessage compose(Dsn dsn, OriginalMessage original) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        Envelope envelope = writeTo(dsn, original, out);
        return new DsnMessage(envelope, out.toByteArray());
    }

    /**
     * Writes the DSN to {@code out} and returns the envelope to spool it with: the null reverse-path
     * {@code <>} (RFC 5321 §4.5.5: so that a DSN never causes another), one recipient (the
     * original sender, without NOTIFY), SIZE set to the octets written, BODY=8BITMIME when any octet is over
     * 127, and SMTPUTF8 when the sender's address needs it.
     *
     * @throws IOException from reading the original or writing {@code out}; a caller whose original cannot be
     *                     read may compose again with {@link OriginalMessage#NONE}
     */
    public Envelope writeTo(Dsn dsn, OriginalMessage original, OutputStream out) throws IOException {
        boolean global = dsn.international();
        boolean wantWhole = dsn.kind() == DsnKind.FAILURE && dsn.envelope().options().ret() != MailOptions.Ret.HDRS;
        ReturnedContent returned = ReturnedContent.read(original, settings.returnLimit(), wantWhole);
        byte[] text = Explanation.render(hostname, dsn, returned, global);
        byte[] status = StatusReport.render(hostname, dsn, global);
        String boundary = boundary(dsn, text, status, returned.bytes());
        boolean textEightBit = eightBit(text);
        boolean statusEightBit = eightBit(status);
        boolean eightBit = textEightBit || statusEightBit || returned.eightBit();

        List<byte[]> chunks = List.of(
                header(dsn, boundary, eightBit, global),
                partHeader(boundary, "Notification", "text/plain; charset=" + (textEightBit ? "utf-8" : "us-ascii"),
                        textEightBit),
                text,
                partHeader(boundary, "Delivery report",
                        global ? "message/global-delivery-status" : "message/delivery-status", statusEightBit),
                status,
                returned.present() ? partHeader(boundary, description(dsn, returned), returnedType(returned, global),
                        returned.eightBit()) : new byte[0],
                returned.bytes(),
                ascii("\r\n--" + boundary + "--\r\n"));
        long size = 0;
        for (byte[] chunk : chunks) {
            out.write(chunk);
            size += chunk.length;
        }
        MailOptions options = new MailOptions(size,
                eightBit ? MailOptions.Body.EIGHT_BIT_MIME : MailOptions.Body.SEVEN_BIT,
                dsn.sender().isUtf8(), MailOptions.Ret.UNSPECIFIED, "");
        return new Envelope(ReversePath.NULL, List.of(Recipient.of(dsn.sender())), options);
    }

    private byte[] header(Dsn dsn, String boundary, boolean eightBit, boolean global) {
        LineWriter out = new LineWriter(global)
                .field("From", "Mail Delivery System <MAILER-DAEMON@" + hostname.name() + ">")
                .field("To", dsn.sender().toString())
                .field("Subject", dsn.kind().subject())
                .field("Date", MailDate.format(dsn.date()))
                .field("Message-ID", messageId(dsn))
                .field("Auto-Submitted", "auto-replied") // RFC 3834 §5
                .field("MIME-Version", "1.0")
                // RFC 6522 §3: report-type names the subtype of the second part.
                .field("Content-Type", "multipart/report; report-type="
                        + (global ? "global-delivery-status" : "delivery-status") + "; boundary=\"" + boundary + "\"");
        if (eightBit) out.field("Content-Transfer-Encoding", "8bit"); // RFC 2045 §6.4: as its 8bit parts
        out.blank().text("This is a MIME-encapsulated delivery status notification.", "");
        return out.toByteArray();
    }

    /** The delimiter (its leading CRLF belongs to it, RFC 2046 §5.1.1) and the header of one body part. */
    private static byte[] partHeader(String boundary, String description, String contentType, boolean eightBit) {
        LineWriter fields = new LineWriter(false).field("Content-Description", description).field("Content-Type", contentType);
        if (eightBit) fields.field("Content-Transfer-Encoding", "8bit");
        fields.blank();
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(ascii("\r\n--" + boundary + "\r\n"));
        out.writeBytes(fields.toByteArray());
        return out.toByteArray();
    }

    private static String returnedType(ReturnedContent returned, boolean global) {
        if (returned.whole()) return global ? "message/global" : "message/rfc822";
        return global ? "message/global-headers" : "text/rfc822-headers";
    }

    private static String description(Dsn dsn, ReturnedContent returned) {
        String what = returned.whole() ? "Message" : "Message Headers";
        return dsn.kind() == DsnKind.SUCCESS ? what : "Undelivered " + what;
    }

    /** Unique per message, report time and kind, so a delay warning and a later failure differ. */
    private String messageId(Dsn dsn) {
        return "<" + Long.toString(dsn.date().toEpochMilli(), 36) + "." + dsn.queueId().value() + "."
                + dsn.kind().name().toLowerCase(Locale.ROOT) + "@" + hostname.name() + ">";
    }

    /**
     * A boundary that occurs in no part (RFC 2046 §5.1.1). {@code =_} cannot start a line of quoted-printable.
     * The counter has a fixed width, so each rejected candidate needs its own occurrence in the parts: the
     * loop ends after at most one try per octet of content.
     */
    private static String boundary(Dsn dsn, byte[]... parts) {
        // RFC 2046 §5.1.1: at most 70 characters; a queue id has up to 64, so only its start is used.
        String id = dsn.queueId().value();
        String base = "=_tern_" + id.substring(0, Math.min(id.length(), 32)) + "_" + Long.toString(dsn.date().toEpochMilli(), 36) + "_";
        long total = 0;
        for (byte[] part : parts) total += part.length;
        for (long n = 0; n <= total; n++) {
            String candidate = base + String.format("%08x", n);
            byte[] delimiter = ascii("--" + candidate);
            boolean clash = false;
            for (byte[] part : parts) clash |= contains(part, delimiter);
            if (!clash) return candidate;
        }
        throw new IllegalStateException("no free MIME boundary"); // unreachable: see above
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return true;
        }
        return false;
    }

    private static boolean eightBit(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) return true;
        }
        return false;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
