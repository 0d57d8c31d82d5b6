package dev.tern.app.sendmail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What {@code tern sendmail} makes of its standard input before submitting it: the message with CRLF line ends,
 * ended by end of input or (without {@code -i}) a line holding a lone dot; with {@code -t} the recipients taken
 * from To:, Cc: and Bcc: (added to those on the command line, as Postfix does) and the Bcc: fields removed.
 *
 * @param message    the message as it will be submitted
 * @param recipients the envelope recipients
 */
public record Submission(byte[] message, List<String> recipients) {
    /** Thrown for input that cannot be submitted (sendmail's EX_DATAERR). */
    public static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }

    /**
     * Reads the message from {@code in} (at most {@code maxOctets}).
     *
     * @param dotEnds    whether a line holding a lone dot ends the input (sendmail without -i/-oi)
     * @param fromHeader whether to take recipients from the header (-t)
     */
    public static Submission read(InputStream in, List<String> arguments, boolean dotEnds, boolean fromHeader,
                                  long maxOctets) throws IOException, BadInput {
        byte[] message = normalise(in, dotEnds, maxOctets);
        List<String> recipients = new ArrayList<>(arguments);
        if (fromHeader) {
            int end = headerEnd(message);
            InternetHeaders headers;
            try {
                headers = new InternetHeaders(new ByteArrayInputStream(message, 0, end));
            } catch (MessagingException e) {
                throw new BadInput("the header section cannot be read: " + e.getMessage());
            }
            for (String field : List.of("To", "Cc", "Bcc")) {
                String[] values = headers.getHeader(field);
                if (values == null) continue;
                for (String value : values) {
                    try {
                        for (InternetAddress a : InternetAddress.parse(value, false)) {
                            if (a.isGroup()) {
                                for (InternetAddress member : a.getGroup(false)) recipients.add(member.getAddress());
                            } else {
                                recipients.add(a.getAddress());
                            }
                        }
                    } catch (AddressException e) {
                        throw new BadInput("cannot read the " + field + ": field: " + e.getMessage());
                    }
                }
            }
            if (headers.getHeader("Bcc") != null) {
                headers.removeHeader("Bcc");
                ByteArrayOutputStream rebuilt = new ByteArrayOutputStream(message.length);
                for (String line : Collections.list(headers.getAllHeaderLines())) {
                    rebuilt.writeBytes(line.getBytes(StandardCharsets.UTF_8));
                    rebuilt.writeBytes(CRLF);
                }
                rebuilt.write(message, end, message.length - end);
                message = rebuilt.toByteArray();
            }
        }
        recipients.removeIf(String::isBlank);
        if (recipients.isEmpty()) throw new BadInput("no recipients given");
        return new Submission(message, List.copyOf(recipients));
    }

    private static final byte[] CRLF = {'\r', '\n'};

    /** Reads lines, writing each with CRLF, until end of input or (when {@code dotEnds}) a lone-dot line. */
    private static byte[] normalise(InputStream in, boolean dotEnds, long maxOctets) throws IOException, BadInput {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        var buffered = new java.io.BufferedInputStream(in);
        for (int b = buffered.read(); ; b = buffered.read()) {
            if (b < 0 || b == '\n') {
                byte[] text = line.toByteArray();
                int length = text.length > 0 && text[text.length - 1] == '\r' ? text.length - 1 : text.length;
                if (b < 0 && length == 0) break;
                if (dotEnds && length == 1 && text[0] == '.') break;
                out.write(text, 0, length);
                out.writeBytes(CRLF);
                if (out.size() > maxOctets) throw new BadInput("the message is larger than " + maxOctets + " octets");
                line.reset();
                if (b < 0) break;
            } else {
                line.write(b);
                if (line.size() > maxOctets) throw new BadInput("the message is larger than " + maxOctets + " octets");
            }
        }
        return out.toByteArray();
    }

    /** Where the body starts: after the blank line that ends the header section (or the end, if there is none). */
    static int headerEnd(byte[] message) {
        if (message.length >= 2 && message[0] == '\r' && message[1] == '\n') return 0;
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                return i + 2;
            }
        }
        return message.length;
    }
}
