package dev.tern.smtp.client;

import dev.tern.mail.EnhancedStatus;
import dev.tern.smtp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Assembles the server's replies from the octets it sends (RFC 5321 §4.2, §4.2.1): lines of
 * {@code code "-" text} continue a reply, {@code code SP text} (or the code alone) ends it, and every line
 * carries the same code. An enhanced status code (RFC 2034 §4, RFC 3463 §2) at the start of the first line
 * becomes the {@link Reply}'s status when its class matches the reply's, and is taken off every line that
 * repeats it.
 *
 * <p><b>Bounds.</b> RFC 5321 §4.5.3.1.5 limits a reply line to 512 octets, but servers write longer ones
 * (long EHLO AUTH lists, verbose refusals); Tern accepts {@value #MAX_LINE} octets with the line ending and
 * {@value #MAX_LINES} lines per reply, so a hostile server cannot make the client buffer without end.
 *
 * <p><b>Leniency.</b> A line may end in LF alone (the reply only steers the client, it is never relayed, so a
 * bare LF cannot smuggle anything). Text is decoded as UTF-8 (RFC 6531 §3.7.4 allows it in replies); invalid
 * sequences and control characters other than HTAB become U+FFFD, so reply text can go into logs and DSNs
 * as it is.
 *
 * <p>Anything else (a code that is not three digits {@code 2-5, 0-5, 0-9}, a fourth character that is neither
 * {@code -} nor space, codes that change within a reply, a line or reply over the bounds) is a
 * {@link ReplyRead.Malformed}, never an exception, and stays so: the parser is then spent.
 *
 * <p>Not thread-safe; one per connection.
 */
public final class ReplyParser {
    /** Octets in one reply line, with its CRLF. */
    public static final int MAX_LINE = 2048;
    /** Lines in one reply. */
    public static final int MAX_LINES = 100;

    // RFC 3463 §2: class "." subject "." detail, subject and detail 1*3digit, followed by SP or the end.
    private static final Pattern STATUS = Pattern.compile("([245])\\.([0-9]{1,3})\\.([0-9]{1,3})(?: |$)");

    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private final List<String> texts = new ArrayList<>();
    private int code = -1;
    private String malformed;

    /** Feeds {@code buffer[offset, offset+length)}; stops after the first complete reply. */
    public ReplyRead feed(byte[] buffer, int offset, int count) {
        if (malformed != null) return new ReplyRead.Malformed(malformed);
        for (int i = offset, end = offset + count; i < end; i++) {
            byte b = buffer[i];
            if (b == '\n') {
                ReplyRead read = endOfLine(i + 1 - offset);
                if (!(read instanceof ReplyRead.Incomplete)) return read;
            } else if (length == MAX_LINE - 1) { // no room left for the LF that must end the line
                return fail("reply line longer than " + MAX_LINE + " octets");
            } else {
                line[length++] = b;
            }
        }
        return new ReplyRead.Incomplete();
    }

    /** True when part of a reply has been read but not its last line. */
    public boolean inReply() {
        return length > 0 || code >= 0;
    }

    private ReplyRead endOfLine(int consumed) {
        int n = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        length = 0;
        // RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39.
        if (n < 3 || !inRange(line[0], '2', '5') || !inRange(line[1], '0', '5') || !inRange(line[2], '0', '9')) {
            return fail("reply line does not start with a reply code");
        }
        int lineCode = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (code >= 0 && lineCode != code) return fail("reply code changes within a multi-line reply");
        code = lineCode;
        boolean last = n == 3 || line[3] == ' ';
        if (n > 3 && line[3] != ' ' && line[3] != '-') return fail("reply code not followed by space or hyphen");
        if (texts.size() == MAX_LINES) return fail("reply longer than " + MAX_LINES + " lines");
        texts.add(n > 4 ? text(line, 4, n - 4) : "");
        if (!last) return new ReplyRead.Incomplete();
        Reply reply = reply(code, texts);
        code = -1;
        texts.clear();
        return new ReplyRead.Complete(reply, consumed);
    }

    private static Reply reply(int code, List<String> texts) {
        Matcher m = STATUS.matcher(texts.getFirst());
        if (!m.lookingAt() || m.group(1).charAt(0) - '0' != code / 100) return new Reply(code, null, texts);
        EnhancedStatus status = EnhancedStatus.of(code / 100, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        String prefix = m.group(1) + "." + m.group(2) + "." + m.group(3);
        List<String> lines = new ArrayList<>(texts.size());
        for (String text : texts) {
            if (text.equals(prefix)) lines.add("");
            else if (text.startsWith(prefix + " ")) lines.add(text.substring(prefix.length() + 1));
            else lines.add(text);
        }
        return new Reply(code, status, lines);
    }

    private static String text(byte[] bytes, int from, int count) {
        String decoded = new String(bytes, from, count, StandardCharsets.UTF_8); // malformed input becomes U+FFFD
        StringBuilder sb = null;
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            boolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f);
            if (control && sb == null) sb = new StringBuilder(decoded.substring(0, i));
            if (sb != null) sb.append(control ? '\uFFFD' : c);
        }
        return sb == null ? decoded : sb.toString();
    }

    private static boolean inRange(byte b, char low, char high) {
        return b >= low && b <= high;
    }

    private ReplyRead fail(String reason) {
        malformed = reason;
        return new ReplyRead.Malformed(reason);
    }
}
