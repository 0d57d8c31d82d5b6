package dev.tern.app.web.api;

import dev.tern.app.web.HttpError;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.HeaderTokenizer;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParameterList;
import jakarta.mail.internet.ParseException;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.util.QPEncoderStream;

/**
 * Writes the RFC 5322 text of a JSON submission directly, in one pass: the header fields (addresses and RFC 2047
 * encoded words, folded under 78 columns), then the MIME entities of RFC 2045/2046 (text, HTML, both as
 * {@code multipart/alternative}, attachments in {@code multipart/mixed}). Angus Mail's lighter pieces do the parts
 * with rules of their own: {@link InternetAddress} parses the addresses, {@link ContentType} and
 * {@link ParameterList} check media types and write parameters (RFC 2231 for non-ASCII file names), and
 * {@link QPEncoderStream} writes quoted-printable. A {@code MimeMessage} did this before; it cost most of a
 * request's CPU, chiefly Jakarta Mail's service-loader lookup of its stream provider on every encoder it made.
 *
 * <p>{@code Date:} and {@code Message-ID:} are not written here: the content stage adds them to every submission
 * that lacks them (RFC 6409 §8), as it does for SMTP.
 */
final class MessageComposer {
    private MessageComposer() {}

    /**
     * Header fields the request's {@code headers} may not set: they are composed here or by the content stage (which
     * signs with DKIM), as are all {@code Content-*} fields of the top entity.
     */
    static final Set<String> RESERVED = Set.of("from", "to", "cc", "bcc", "subject", "sender", "mime-version",
            "content-type", "content-transfer-encoding", "received", "return-path", "dkim-signature");
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]{1,76}");
    private static final Pattern SPACE = Pattern.compile("\\s");
    private static final byte[] CRLF = {'\r', '\n'};
    /** The column lines are kept within (RFC 5322 §2.1.1 says 78; RFC 2047 §2 wants 76 with encoded words). */
    private static final int WIDTH = 76;
    /** RFC 5322 §2.1.1: a line is at most 998 octets before its CRLF. */
    private static final int MAX_LINE = 998;
    /** Octets of UTF-8 an attachment's file name may have. */
    private static final int MAX_FILENAME = 255;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The whole message, CRLF line endings, ready for the content stage. */
    static byte[] compose(MessageRoutes.Submission request, InternetAddress from, List<InternetAddress> to,
                          List<InternetAddress> cc) {
        Writer out = new Writer(2048 + (request.text() == null ? 0 : request.text().length() * 11 / 10)
                + (request.html() == null ? 0 : request.html().length() * 11 / 10));
        out.field(addressList("From", List.of(from)));
        if (!to.isEmpty()) out.field(addressList("To", to));
        if (!cc.isEmpty()) out.field(addressList("Cc", cc));
        if (request.subject() != null) out.field(unstructured("Subject", request.subject().replace("\r\n", " ")
                .replace('\r', ' ').replace('\n', ' ')));
        for (var header : request.headers().entrySet()) {
            String name = header.getKey();
            String lower = name.toLowerCase(Locale.ROOT);
            if (!FIELD_NAME.matcher(name).matches() || RESERVED.contains(lower) || lower.startsWith("content-")) {
                throw HttpError.badField("headers", "the header " + name + " may not be set here");
            }
            String value = header.getValue() == null ? "" : header.getValue();
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw HttpError.badField("headers", "the header " + name + " has a line break");
            }
            out.field(unstructured(name, value));
        }
        out.field("MIME-Version: 1.0");
        if (request.attachments().isEmpty()) {
            body(out, request);
        } else {
            // Checked before anything is written for them, so a bad one is a 400 naming it.
            List<byte[]> contents = new java.util.ArrayList<>();
            for (int i = 0; i < request.attachments().size(); i++) contents.add(content(i, request.attachments().get(i)));
            String boundary = boundary();
            out.ascii("Content-Type: multipart/mixed;").fold().ascii("boundary=\"" + boundary + "\"").crlf();
            out.crlf();
            out.delimiter(boundary);
            body(out, request);
            for (int i = 0; i < contents.size(); i++) {
                out.crlf().delimiter(boundary);
                attachment(out, i, request.attachments().get(i), contents.get(i));
            }
            out.crlf().closeDelimiter(boundary);
        }
        return out.bytes();
    }

    /** The text, the HTML or both (as multipart/alternative): the header fields of the entity, then its body. */
    private static void body(Writer out, MessageRoutes.Submission request) {
        if (request.text() != null && request.html() != null) {
            String boundary = boundary();
            out.ascii("Content-Type: multipart/alternative;").fold().ascii("boundary=\"" + boundary + "\"").crlf();
            out.crlf();
            out.delimiter(boundary);
            text(out, "plain", request.text());
            out.crlf().delimiter(boundary);
            text(out, "html", request.html());
            out.crlf().closeDelimiter(boundary);
        } else if (request.html() != null) {
            text(out, "html", request.html());
        } else {
            text(out, "plain", request.text() == null ? "" : request.text());
        }
    }

    /**
     * A text entity in UTF-8: 7bit when it is ASCII with short lines, base64 when more than a third of it is not
     * ASCII (quoted-printable would triple it), quoted-printable otherwise. Line breaks become CRLF.
     */
    private static void text(Writer out, String subtype, String text) {
        // A body's last line ends with a line break as every other's (RFC 5322 §2.3), as mail programs write it;
        // without one a single-part message would end in the middle of a line.
        byte[] bytes = (text.isEmpty() || text.endsWith("\n") ? text : text + "\n").getBytes(StandardCharsets.UTF_8);
        int nonAscii = 0;
        int line = 0;
        int longest = 0;
        boolean nul = false;
        for (byte b : bytes) {
            if (b < 0) nonAscii++;
            if (b == 0) nul = true;
            if (b == '\r' || b == '\n') {
                line = 0;
            } else {
                longest = Math.max(longest, ++line);
            }
        }
        out.field("Content-Type: text/" + subtype + "; charset=UTF-8");
        if (nonAscii == 0 && !nul && longest <= MAX_LINE) {
            out.field("Content-Transfer-Encoding: 7bit").crlf();
            out.lines(bytes);
        } else if (nonAscii > bytes.length / 3) {
            out.field("Content-Transfer-Encoding: base64").crlf();
            ByteArrayOutputStream canonical = new ByteArrayOutputStream(bytes.length + bytes.length / 16);
            new Writer(canonical).lines(bytes);
            out.base64(canonical.toByteArray());
        } else {
            out.field("Content-Transfer-Encoding: quoted-printable").crlf();
            out.quotedPrintable(bytes);
        }
    }

    private static byte[] content(int index, MessageRoutes.Attachment a) {
        String field = "attachments[" + index + "]";
        if (a == null || a.filename() == null || a.filename().isBlank()) {
            throw HttpError.badField(field + ".filename", "a filename is required");
        }
        if (a.filename().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw HttpError.badField(field + ".filename", "the filename has a control character");
        }
        // Angus Mail does not split an RFC 2231 encoded value into continuations: 255 octets, three characters
        // each when encoded, keep the parameter's line under 998 octets (RFC 5322 §2.1.1), as file systems do names.
        if (a.filename().getBytes(StandardCharsets.UTF_8).length > MAX_FILENAME) {
            throw HttpError.badField(field + ".filename", "the filename is longer than " + MAX_FILENAME + " octets");
        }
        if (a.content() == null) throw HttpError.badField(field + ".content", "the content (base64) is required");
        try {
            return Base64.getDecoder().decode(SPACE.matcher(a.content()).replaceAll(""));
        } catch (IllegalArgumentException e) {
            throw HttpError.badField(field + ".content", "the content is not base64");
        }
    }

    private static void attachment(Writer out, int index, MessageRoutes.Attachment a, byte[] content) {
        String type = a.contentType() == null ? "application/octet-stream" : a.contentType();
        String field = "attachments[" + index + "].contentType";
        // Angus Mail's parser keeps a bare LF or any octet in a quoted parameter value and writes it back as it is:
        // a line break in the part's header section, or 8-bit text in it.
        if (!ascii(type)) throw HttpError.badField(field, "the media type has a control or non-ASCII character");
        ContentType parsed;
        try {
            parsed = new ContentType(type);
        } catch (ParseException e) {
            throw HttpError.badField(field, "not a media type: " + type);
        }
        // RFC 2045 §6.4, RFC 2046 §5.2.1: a multipart or message/rfc822 entity may not be base64, as attachments are.
        String primary = parsed.getPrimaryType().toLowerCase(Locale.ROOT);
        if (primary.equals("multipart") || (primary.equals("message") && !parsed.getSubType().equalsIgnoreCase("global"))) {
            throw HttpError.badField(field, parsed.getBaseType() + " cannot be sent base64-encoded (RFC 2045 §6.4);"
                    + " use application/octet-stream or message/global");
        }
        ParameterList parameters = parsed.getParameterList() == null ? new ParameterList() : parsed.getParameterList();
        parameters.set("name", a.filename(), "UTF-8");
        String base = "Content-Type: " + parsed.getBaseType().toLowerCase(Locale.ROOT);
        out.field(base + parameters.toString(base.length()));
        out.field("Content-Transfer-Encoding: base64");
        ParameterList disposition = new ParameterList();
        disposition.set("filename", a.filename(), "UTF-8");
        String attachment = "Content-Disposition: attachment";
        out.field(attachment + disposition.toString(attachment.length())).crlf();
        out.base64(content);
    }

    /**
     * {@code name: a, b, c}, folded before an address that would pass the width. A display name is a quoted string
     * when it is ASCII and fits a line, else RFC 2047 encoded words (§5(3)), folded between words as the address
     * list is: a long name on one line would pass 78 columns, and 998 octets (RFC 5322 §2.1.1) when longer still.
     */
    private static String addressList(String name, List<InternetAddress> addresses) {
        StringBuilder field = new StringBuilder(64).append(name).append(':');
        int column = field.length();
        for (int i = 0; i < addresses.size(); i++) {
            InternetAddress address = addresses.get(i);
            String tail = i < addresses.size() - 1 ? "," : "";
            String personal = address.getPersonal();
            if (personal == null || personal.isBlank()) {
                column = word(field, column, address.getAddress() + tail, i > 0);
                continue;
            }
            String quoted = ascii(personal) ? MimeUtility.quote(personal, HeaderTokenizer.RFC822) : "";
            if (!quoted.isEmpty() && quoted.length() <= WIDTH - 2) {
                column = word(field, column, quoted, true); // the first one too: FWS may follow the colon
            } else {
                String words = encodedWords(personal, column);
                field.append(words);
                int fold = words.lastIndexOf('\n');
                column = fold < 0 ? column + words.length() : words.length() - fold - 1;
            }
            column = word(field, column, "<" + address.getAddress() + ">" + tail, true);
        }
        return field.toString();
    }

    /** Appends {@code text} after a space, or on a folded line if it may fold there and would pass the width. */
    private static int word(StringBuilder field, int column, String text, boolean foldable) {
        if (foldable && column + 1 + text.length() > WIDTH) {
            field.append("\r\n\t");
            column = 1;
        } else {
            field.append(' ');
            column++;
        }
        field.append(text);
        return column + text.length();
    }

    /**
     * An unstructured field (RFC 5322 §3.2.5): ASCII folded at white space, anything else as encoded words, and so
     * is ASCII with a word too long for a line of 998 octets (RFC 5322 §2.1.1), which folding cannot break.
     */
    private static String unstructured(String name, String value) {
        if (ascii(value)) {
            String folded = MimeUtility.fold(name.length() + 2, name + ": " + value);
            if (folded.lines().allMatch(line -> line.length() <= MAX_LINE)) return folded;
        }
        return name + ":" + encodedWords(value, name.length() + 1);
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7e || (c < 0x20 && c != '\t')) return false;
        }
        return true;
    }

    /**
     * {@code text} as RFC 2047 "B" encoded words in UTF-8, each after a space and on a folded line when it would
     * pass the width; a word never splits a character. {@code column} is where the first one goes.
     */
    private static String encodedWords(String text, int column) {
        StringBuilder out = new StringBuilder(text.length() * 2);
        int at = 0;
        while (at < text.length()) {
            int room = WIDTH - column - 1 - "=?UTF-8?B??=".length();
            if (room < 16 && column > 1) {
                out.append("\r\n\t");
                column = 1;
                continue;
            }
            int maxBytes = Math.max(3, room / 4 * 3);
            int end = at;
            int bytes = 0;
            while (end < text.length()) {
                int cp = text.codePointAt(end);
                int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                if (bytes + n > maxBytes && end > at) break;
                bytes += n;
                end += Character.charCount(cp);
            }
            String word = "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.substring(at, end)
                    .getBytes(StandardCharsets.UTF_8)) + "?=";
            boolean lineStart = out.isEmpty() ? column == 0 : out.charAt(out.length() - 1) == '\t';
            if (!lineStart) {
                out.append(' ');
                column++;
            }
            out.append(word);
            column += word.length();
            at = end;
        }
        return out.toString();
    }

    /** A multipart boundary (RFC 2046 §5.1.1) that no encoded content can contain by chance: 128 random bits. */
    private static String boundary() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return "=_tern_" + HexFormat.of().formatHex(random);
    }

    /** The message's octets as they are written. */
    private static final class Writer {
        private final ByteArrayOutputStream out;

        Writer(int size) {
            this(new ByteArrayOutputStream(size));
        }

        Writer(ByteArrayOutputStream out) {
            this.out = out;
        }

        /** A whole header field (its folds already in it), then CRLF. */
        Writer field(String field) {
            return ascii(field).crlf();
        }

        Writer ascii(String text) {
            out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Writer fold() {
            return ascii("\r\n\t");
        }

        Writer crlf() {
            out.writeBytes(CRLF);
            return this;
        }

        Writer delimiter(String boundary) {
            return ascii("--" + boundary).crlf();
        }

        void closeDelimiter(String boundary) {
            ascii("--" + boundary + "--").crlf();
        }

        /** {@code bytes} with every line break (CR, LF or CRLF) written as CRLF. */
        void lines(byte[] bytes) {
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] != '\r' && bytes[i] != '\n') continue;
                out.write(bytes, start, i - start);
                out.writeBytes(CRLF);
                if (bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') i++;
                start = i + 1;
            }
            out.write(bytes, start, bytes.length - start);
        }

        /** Base64 in lines of 76 (RFC 2045 §6.8), each ending in CRLF. */
        void base64(byte[] bytes) {
            byte[] encoded = Base64.getMimeEncoder(WIDTH, CRLF).encode(bytes);
            out.writeBytes(encoded);
            if (encoded.length > 0) out.writeBytes(CRLF);
        }

        /** Quoted-printable (RFC 2045 §6.7) by Angus Mail's encoder; line breaks become hard CRLF breaks. */
        void quotedPrintable(byte[] bytes) {
            // The encoder writes a held space only at close, which would close the buffer too: a shield.
            OutputStream shield = new FilterOutputStream(out) {
                @Override
                public void close() {
                    // The buffer stays open for what follows.
                }
            };
            try (QPEncoderStream qp = new QPEncoderStream(shield)) {
                qp.write(bytes);
            } catch (IOException e) {
                throw new IllegalStateException("writing to memory failed", e);
            }
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
